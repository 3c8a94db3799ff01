using System.Diagnostics;

namespace Pipeline.Cli.Embedded;

/// <summary>
/// Follows one or more runs at once and times each from just before its submission to the moment this client saw the
/// event that ended it (wall time as a user sees it: queueing, messaging and every stage included).
/// </summary>
internal sealed class RunBatch(ProgressRenderer renderer)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<BatchedRun> _runs = [];

    public IEnumerable<Guid> Live => _runs.Where(run => run.EndedAt is null).Select(run => run.Follower.RunId);

    public bool Ended => _runs.All(run => run.EndedAt is not null);

    /// <summary>Each run's follower, in submission order.</summary>
    public IReadOnlyList<RunFollower> Followers => _runs.Select(run => run.Follower).ToList();

    /// <summary>Submits a run with <paramref name="submit"/> (which returns its id), its clock started just before.</summary>
    public async Task<Guid> SubmitAsync(Func<Task<Guid>> submit)
    {
        var submittedAt = _clock.Elapsed.TotalSeconds;
        var runId = await submit();
        _runs.Add(new BatchedRun(new RunFollower(runId, renderer), submittedAt));
        return runId;
    }

    /// <summary>Hands an event to every run still live; each follower keeps only its own run's events.</summary>
    public void Follow(object message)
    {
        foreach (var run in _runs.Where(run => run.EndedAt is null))
        {
            run.Follower.Follow(message);
            if (run.Follower.End is not null)
                run.EndedAt = _clock.Elapsed.TotalSeconds;
        }
    }

    /// <summary>How each run ended, in submission order, with <paramref name="folderOf"/> mapping report keys to local folders.</summary>
    public IReadOnlyList<TimedOutcome> Outcomes(Func<string?, string?> folderOf) =>
        _runs.Select(run => new TimedOutcome(run.Follower.Outcome(folderOf), run.SubmittedAt,
            run.EndedAt ?? throw new InvalidOperationException("A run has not ended."))).ToList();
}
