using Pipeline.Contracts;
using Pipeline.Orchestrator.Runs;

namespace Pipeline.Orchestrator.Api;

/// <summary>One trial of a run as the HTTP API shows it.</summary>
public sealed record TrialView(string TrialId, RunState State, int? Epoch, double? ValidationAccuracy, double? TestAccuracy, string? ReportKey, string? Error)
{
    public static TrialView Of(TrialRecord trial) =>
        new(trial.TrialId, trial.State, trial.Epoch, trial.ValidationAccuracy, trial.TestAccuracy, trial.ReportKey, trial.Error);
}
