using Pipeline.Contracts;

namespace Pipeline.Cli.Embedded;

/// <summary>How a run ended, with local paths for its reports.</summary>
/// <param name="StageSeconds">Wall time of each stage as this client saw it, from the end of the one before.</param>
/// <param name="StageComputeSeconds">Seconds each stage's worker computed for the run, as the orchestrator recorded them.</param>
public sealed record RunOutcome(
    Guid RunId,
    RunState State,
    double? TestAccuracy,
    string? ReportDir,
    string? Error,
    IReadOnlyDictionary<string, double> StageSeconds,
    IReadOnlyList<TrialReport> Trials,
    string? BestTrialId,
    IReadOnlyDictionary<string, double> StageComputeSeconds);
