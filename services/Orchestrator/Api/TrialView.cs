using Pipeline.Contracts;
using Pipeline.Orchestrator.Runs;
using Pipeline.Storage;

namespace Pipeline.Orchestrator.Api;

/// <summary>One trial of a run as the HTTP API shows it.</summary>
/// <param name="ReportPath">The trial's report page relative to the run's folder, as <c>/runs/{id}/artifacts/{path}</c> serves it.</param>
public sealed record TrialView(string TrialId, RunState State, int? Epoch, double? ValidationAccuracy, double? TestAccuracy, string? ReportPath, string? Error)
{
    public static TrialView Of(Guid runId, TrialRecord trial) =>
        new(trial.TrialId, trial.State, trial.Epoch, trial.ValidationAccuracy, trial.TestAccuracy, ObjectKeys.InRunFolder(runId, trial.ReportKey), trial.Error);
}
