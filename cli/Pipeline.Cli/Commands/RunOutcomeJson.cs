using Pipeline.Cli.Embedded;
using Pipeline.Contracts;

namespace Pipeline.Cli.Commands;

/// <summary>The <c>--json</c> contract: one object on stdout. Fields are only ever added, and schemaVersion says so.</summary>
/// <param name="ReportDir">The best trial's report folder (the only trial's, for a run of one).</param>
/// <param name="StageSeconds">Wall time of each stage as the CLI saw it (queueing and messaging included).</param>
/// <param name="StageComputeSeconds">Seconds each stage's worker computed (preprocess, train, evaluate; summed over trials).</param>
public sealed record RunOutcomeJson(
    int SchemaVersion,
    Guid? RunId,
    RunState State,
    double? TestAccuracy,
    string? ReportDir,
    string? Error,
    IReadOnlyDictionary<string, double>? StageSeconds,
    IReadOnlyList<TrialReport> Trials,
    string? BestTrialId,
    IReadOnlyDictionary<string, double>? StageComputeSeconds)
{
    public static RunOutcomeJson Rejected(string error) => new(1, null, RunState.Failed, null, null, error, null, [], null, null);

    public static RunOutcomeJson Of(RunOutcome o) =>
        new(1, o.RunId, o.State, o.TestAccuracy, o.ReportDir, o.Error, o.StageSeconds, o.Trials, o.BestTrialId, o.StageComputeSeconds);
}
