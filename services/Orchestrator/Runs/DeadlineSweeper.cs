using Microsoft.Extensions.Options;

namespace Pipeline.Orchestrator.Runs;

/// <summary>
/// Looks for runs waiting on a stage that no worker serves (see <see cref="RunCoordinator.EnforceDeadlinesAsync"/>),
/// four times per deadline. Off when the stages run in this process: there a dead process is an interrupted run.
/// </summary>
public sealed class DeadlineSweeper(RunCoordinator coordinator, IOptions<OrchestratorOptions> options, ILogger<DeadlineSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.InProcessWorkers)
            return;
        using var timer = new PeriodicTimer(options.Value.StageDeadline / 4);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await coordinator.EnforceDeadlinesAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning("Could not check the stages' deadlines, will try again: {Reason}", e.Message);
            }
        }
    }
}
