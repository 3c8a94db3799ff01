using Microsoft.Extensions.Options;

namespace Pipeline.Orchestrator.Runs;

/// <summary>
/// Looks for runs waiting on a stage that no worker serves (see <see cref="RunCoordinator.EnforceDeadlinesAsync"/>),
/// four times per deadline. Off when the stages run in this process: there a dead process is an interrupted run.
/// </summary>
public sealed class DeadlineSweeper(RunCoordinator coordinator, IOptions<OrchestratorOptions> options, ILogger<DeadlineSweeper> logger)
    : PeriodicSweep(options.Value.StageDeadline / 4, logger)
{
    protected override string What => "runs past their stage's deadline";

    protected override bool Enabled => !options.Value.InProcessWorkers;

    protected override Task SweepAsync(CancellationToken cancellationToken) => coordinator.EnforceDeadlinesAsync(cancellationToken);
}
