using Pipeline.Contracts;
using Pipeline.Orchestrator.Runs;
using Pipeline.Storage;
using Pipeline.Telemetry;

namespace Pipeline.Orchestrator.Api;

/// <summary>A run as the HTTP API shows it.</summary>
public sealed record RunView(
    Guid RunId,
    RunState State,
    RunSpec Spec,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<TrialView> Trials,
    string? BestTrialId,
    double? TestAccuracy,
    string? SummaryPath,
    string? Error,
    IReadOnlyDictionary<string, double> ComputeSeconds,
    string? TraceId)
{
    public static RunView Of(RunRecord run) => new(
        run.Id, run.State, run.Spec, run.CreatedAt, run.UpdatedAt, run.Trials.Select(trial => TrialView.Of(run.Id, trial)).ToList(),
        run.BestTrial?.TrialId, run.BestTrial?.TestAccuracy, ObjectKeys.InRunFolder(run.Id, run.SummaryKey), run.Error, run.ComputeSeconds,
        PipelineTelemetry.TraceId(run.TraceParent));
}
