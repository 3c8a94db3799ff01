using Pipeline.Contracts;

namespace Pipeline.Cli.Embedded;

/// <summary>
/// Renders a run's events as they come, the same way whether they come from this process's bus or from a server's
/// journal, and recognises the event that ends the run.
/// </summary>
internal sealed class RunFollower(Guid runId, ProgressRenderer renderer)
{
    private static readonly IReadOnlyDictionary<string, double> NoSeconds = new Dictionary<string, double>();

    private readonly StageTimings _timings = new();

    public Guid RunId => runId;

    /// <summary>The event that ended the run (<see cref="RunCompleted"/> or <see cref="RunRejected"/>), once it came.</summary>
    public object? End { get; private set; }

    public void Follow(object message)
    {
        switch (message)
        {
            case RunRejected r when r.RunId == runId:
                End = r;
                break;
            case PreprocessingProgressed p when p.RunId == runId:
                renderer.Preprocessing(p);
                break;
            case DatasetPrepared d when d.RunId == runId:
                _timings.End("preprocess");
                renderer.Prepared(d, _timings["preprocess"]);
                break;
            case EpochCompleted e when e.RunId == runId:
                renderer.Epoch(e);
                break;
            case ModelTrained t when t.RunId == runId:
                _timings.End("train");
                renderer.Trained(t, _timings["train"]);
                break;
            case RunCompleted c when c.RunId == runId:
                if (c.State == RunState.Completed)
                    _timings.End("evaluate");
                End = c;
                break;
        }
    }

    /// <summary>How the run ended, with <paramref name="folderOf"/> mapping a report's object key to its folder on this machine.</summary>
    public RunOutcome Outcome(Func<string?, string?> folderOf) => End switch
    {
        RunRejected r => new RunOutcome(runId, RunState.Failed, null, null, ValidationErrors.Describe(r.Errors), _timings.Seconds, [], null, NoSeconds),
        RunCompleted c => new RunOutcome(runId, c.State, c.TestAccuracy, folderOf(c.ReportKey), c.Error, _timings.Seconds,
            c.Trials.Select(t => new TrialReport(t.TrialId, t.State, t.TestAccuracy, folderOf(t.ReportKey))).ToList(), c.BestTrialId,
            c.ComputeSeconds ?? NoSeconds),
        _ => throw new InvalidOperationException("The run has not ended."),
    };
}
