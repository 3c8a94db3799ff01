using Pipeline.Contracts;
using Pipeline.Orchestrator.Runs;
using Pipeline.Runs;

namespace Pipeline.Orchestrator.Api;

/// <summary>A run as the HTTP API shows it.</summary>
public sealed record RunView(
    Guid RunId,
    RunState State,
    RunSpec Spec,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    int? Epoch,
    double? ValidationAccuracy,
    double? TestAccuracy,
    string? ReportKey,
    string? Error)
{
    public static RunView Of(RunRecord run) => new(
        run.Id, run.State, run.Spec, run.CreatedAt, run.UpdatedAt, run.Epoch, run.ValidationAccuracy, run.TestAccuracy, run.ReportKey, run.Error);
}
