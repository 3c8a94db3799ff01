using Pipeline.Contracts;

namespace Pipeline.Runs;

/// <param name="Report">The trial's report page, relative to the run-level report folder.</param>
public sealed record TrialSummary(
    string TrialId,
    RunState State,
    TrainingSpec Training,
    int? BestEpoch,
    double? ValidationAccuracy,
    double? TestAccuracy,
    string? Report,
    string? Error);
