using Pipeline.Contracts;

namespace Pipeline.Cli.Embedded;

/// <summary>How a run ended, with local paths for its reports.</summary>
public sealed record RunOutcome(
    Guid RunId,
    RunState State,
    double? TestAccuracy,
    string? ReportDir,
    string? Error,
    IReadOnlyDictionary<string, double> StageSeconds,
    IReadOnlyList<TrialReport> Trials,
    string? BestTrialId);
