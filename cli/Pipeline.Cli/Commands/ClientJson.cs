using Pipeline.Contracts;
using Pipeline.Orchestrator.Api;

namespace Pipeline.Cli.Commands;

/// <summary>
/// The <c>--json</c> object of <c>status</c>, <c>cancel</c> and <c>report</c>: one shape, so that a script reads an error
/// where it reads a result. Fields are only ever added.
/// </summary>
/// <param name="Run">The run asked for (<c>status ID</c>, <c>cancel</c>).</param>
/// <param name="Runs">A page of runs, newest first (<c>status</c> without an id), and the cursor of the next page.</param>
/// <param name="ReportDir">Where <c>report</c> put the run's reports.</param>
public sealed record ClientJson(
    int SchemaVersion,
    Guid? RunId,
    RunState? State,
    RunView? Run,
    IReadOnlyList<RunView>? Runs,
    string? NextCursor,
    string? ReportDir,
    string? Error)
{
    public static ClientJson Rejected(string error) => new(1, null, null, null, null, null, null, error);

    public static ClientJson Of(RunView run, string? reportDir = null) => new(1, run.RunId, run.State, run, null, null, reportDir, null);

    public static ClientJson Of(RunsPage page) => new(1, null, null, null, page.Runs, page.NextCursor, null, null);
}
