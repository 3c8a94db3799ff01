using Microsoft.Extensions.Options;

namespace Pipeline.Orchestrator.Runs;

/// <summary>
/// At startup, when this orchestrator's process also does the work (embedded mode), marks the live runs whose owning
/// process has died as Interrupted, so that no run stays "Training" for ever with nothing working on it.
/// </summary>
public sealed class OrphanedRunsSweep(RunCoordinator coordinator, IOptions<OrchestratorOptions> options, ILogger<OrphanedRunsSweep> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.InProcessWorkers)
            return;
        var interrupted = await coordinator.InterruptOrphansAsync(cancellationToken);
        if (interrupted.Count > 0)
            logger.LogWarning("{Count} run(s) of processes that are no longer running were marked Interrupted ({RunIds}); `pipeline run --resume RUN_ID` continues one",
                interrupted.Count, string.Join(", ", interrupted.Select(id => id.ToString("N"))));
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
