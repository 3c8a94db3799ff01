using Pipeline.Contracts;

namespace Pipeline.Cli.Bench;

/// <summary>
/// The <c>--json</c> object of `bench api`: how fast a server takes submissions, and how long a batch of runs takes
/// from its first submission to its last final state; per run, from its submission to its final state.
/// </summary>
public sealed record ApiBenchJson(
    int SchemaVersion,
    string? Server,
    int Runs,
    int Accepted,
    IReadOnlyDictionary<RunState, int>? Final,
    double? SubmissionsPerSecond,
    double? EndToEndSeconds,
    double? RunSecondsP50,
    double? RunSecondsP95,
    string? Error)
{
    public static ApiBenchJson Rejected(int runs, string error) => new(1, null, runs, 0, null, null, null, null, null, error);
}
