using System.Diagnostics.Metrics;
using Pipeline.Contracts;
using Pipeline.Telemetry;

namespace Pipeline.Orchestrator.Runs;

/// <summary>
/// <c>pipeline.runs</c>: how many runs the run database holds in each state, read when a scraper or exporter asks. Its
/// meter comes from the host's factory, so a second host in one process (tests) observes its own database. It is a
/// hosted service only so that the host creates it, and its gauge, at startup.
/// </summary>
public sealed class RunStateGauge : IHostedService
{
    public RunStateGauge(IMeterFactory meters, RunStore runs)
    {
        meters.Create(PipelineTelemetry.Name).CreateObservableGauge(PipelineMetrics.RunsName, () => Observe(runs), "{run}",
            "Runs in each state (pipeline.state).");
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static IEnumerable<Measurement<long>> Observe(RunStore runs)
    {
        var counts = runs.CountByState();
        // Every state is reported, zero included, so that a panel's line drops to zero instead of vanishing.
        return Enum.GetValues<RunState>().Select(state =>
            new Measurement<long>(counts.GetValueOrDefault(state), new KeyValuePair<string, object?>("pipeline.state", state.ToString())));
    }
}
