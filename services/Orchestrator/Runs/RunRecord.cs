using Pipeline.Contracts;

namespace Pipeline.Orchestrator.Runs;

/// <summary>One row of the run table: the orchestrator's view of a run. <see cref="Version"/> guards concurrent updates.</summary>
public sealed record RunRecord
{
    public required Guid Id { get; init; }
    public required RunState State { get; init; }
    public required RunSpec Spec { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
    public long Version { get; init; }
    public string? ManifestKey { get; init; }
    public string? Fingerprint { get; init; }
    public required IReadOnlyList<TrialRecord> Trials { get; init; }

    /// <summary>Set while preprocessing when the dataset was cut into chunks: which of them are in.</summary>
    public ChunkProgress? Chunks { get; init; }
    public string? SummaryKey { get; init; }
    public string? Error { get; init; }

    /// <summary>The process doing the run's work when that is this orchestrator's own process (see <see cref="ProcessIdentity"/>).</summary>
    public string? Owner { get; init; }

    /// <summary>How many times the commands of the run's current stage were sent again because no worker of the stage answered.</summary>
    public int Resends { get; init; }

    /// <summary>
    /// The W3C <c>traceparent</c> of the run's trace, made when the run was submitted: every message of the run (see
    /// <see cref="OutboxMessage"/>) is sent as its child, so one run is one trace across processes and restarts, and no
    /// span stays open while the run lasts.
    /// </summary>
    public string? TraceParent { get; init; }

    /// <summary>Seconds each stage computed for the run, as its workers reported them, summed over trials (see <see cref="Stages"/>).</summary>
    public IReadOnlyDictionary<string, double> ComputeSeconds { get; init; } = new Dictionary<string, double>();

    /// <summary>The run with <paramref name="seconds"/> more for <paramref name="stage"/>; unchanged when the worker did not say.</summary>
    public RunRecord Computed(string stage, double? seconds) => seconds is not { } s ? this : this with
    {
        ComputeSeconds = new Dictionary<string, double>(ComputeSeconds) { [stage] = ComputeSeconds.GetValueOrDefault(stage) + s },
    };

    public TrialRecord? Trial(string trialId) => Trials.FirstOrDefault(t => t.TrialId == trialId);

    public RunRecord WithTrial(string trialId, Func<TrialRecord, TrialRecord> change) =>
        this with { Trials = Trials.Select(t => t.TrialId == trialId ? change(t) : t).ToList() };

    /// <summary>The completed trial with the best test accuracy (the first on ties); null when none completed.</summary>
    public TrialRecord? BestTrial => Trials.Where(t => t.State == RunState.Completed).MaxBy(t => t.TestAccuracy ?? -1);
}
