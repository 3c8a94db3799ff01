using Microsoft.Extensions.Options;

namespace Pipeline.Orchestrator.Runs;

/// <summary>Every quarter of a lease period, hands the trials of trainers that stopped renewing to another trainer.</summary>
public sealed class LeaseSweeper(RunCoordinator coordinator, IOptions<OrchestratorOptions> options, ILogger<LeaseSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.TrialLease / 4);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await coordinator.ResendExpiredTrialsAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning("Could not look for expired trial leases, will try again: {Reason}", e.Message);
            }
        }
    }
}
