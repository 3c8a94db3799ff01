using Microsoft.Extensions.Options;

namespace Pipeline.Orchestrator.Runs;

/// <summary>Every quarter of a lease period, hands the trials of trainers that stopped renewing to another trainer.</summary>
public sealed class LeaseSweeper(RunCoordinator coordinator, IOptions<OrchestratorOptions> options, ILogger<LeaseSweeper> logger)
    : PeriodicSweep(options.Value.TrialLease / 4, logger)
{
    protected override string What => "expired trial leases";

    protected override Task SweepAsync(CancellationToken cancellationToken) => coordinator.ResendExpiredTrialsAsync(cancellationToken);
}
