using Pipeline.Contracts;
using Pipeline.Orchestrator.Runs;

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
    string? SummaryKey,
    string? Error)
{
    public static RunView Of(RunRecord run) => new(
        run.Id, run.State, run.Spec, run.CreatedAt, run.UpdatedAt, run.Trials.Select(TrialView.Of).ToList(),
        run.BestTrial?.TrialId, run.BestTrial?.TestAccuracy, run.SummaryKey, run.Error);
}
