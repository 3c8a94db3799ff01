using Microsoft.Extensions.Options;
using Pipeline.Contracts;
using Pipeline.Hosting;
using Pipeline.Orchestrator.Api.Limits;
using Pipeline.Runs;
using Pipeline.Storage;
using Pipeline.Telemetry;

namespace Pipeline.Orchestrator.Runs;

/// <summary>
/// The run state machine: Submitted -> Preprocessing -> Training -> Evaluating -> Completed, or Failed / Cancelled from
/// any live state, or Interrupted when the process doing the work died. Each event moves a run only from the state that
/// expects it, so an event that arrives twice or late changes nothing. A state change and the messages it causes are
/// saved in one transaction (the outbox) and sent by the <see cref="OutboxDispatcher"/> after the commit.
/// </summary>
public sealed class RunCoordinator(RunStore runs, IObjectStore objects, RunSummaryWriter summaries, OutboxDispatcher outbox,
    IOptions<OrchestratorOptions> options, IOptions<ApiLimits> limits, TimeProvider clock, ILogger<RunCoordinator> logger)
{
    private readonly KeyedLocks _changing = new();

    private string? Owner => options.Value.InProcessWorkers ? ProcessIdentity.Current : null;

    /// <summary>
    /// What is wrong with a submission, keyed by field path: the specification's own rules, then this server's bounds
    /// (<see cref="ApiLimits"/>). <c>POST /runs</c> and <see cref="SubmitRun"/> are both judged by it.
    /// </summary>
    public IReadOnlyDictionary<string, string[]> Check(RunSpec spec) => spec.Validate() is { Count: > 0 } errors ? errors : limits.Value.Check(spec);

    /// <summary>Starts a run; a specification that fails <see cref="Check"/> is rejected with <see cref="RunRejected"/> and no run is created.</summary>
    /// <returns>The run, or null when the specification was rejected.</returns>
    public async Task<RunRecord?> SubmitAsync(Guid runId, RunSpec spec, CancellationToken cancellationToken = default)
    {
        if (Check(spec) is { Count: > 0 } errors)
        {
            logger.LogWarning("Run {RunId} rejected: {Errors}", runId, ValidationErrors.Describe(errors));
            runs.Enqueue([OutboxMessage.Of(new RunRejected(runId, errors), runId)]);
            outbox.Wake();
            return null;
        }
        var now = clock.GetUtcNow();
        using var span = PipelineTelemetry.StartRunSpan("run submit", runId);
        var run = new RunRecord
        {
            Id = runId, State = RunState.Preprocessing, Spec = spec, CreatedAt = now, UpdatedAt = now, Owner = Owner,
            TraceParent = PipelineTelemetry.NewRunTraceParent(),
            Trials = spec.Trials().Select(trial => new TrialRecord { TrialId = trial.TrialId, State = RunState.Submitted, Training = trial.Training }).ToList(),
        };
        if (runs.TryInsert(run, [OutboxMessage.Of(Preprocess(run), runId)]))
        {
            logger.LogInformation("Run {RunId}: submitted, dataset {Dataset}", runId, spec.Dataset);
            Committed();
            await WriteRunFileAsync(run, ComponentVersions.Host, cancellationToken);
        }
        else
            ResendPending(runId, RunState.Preprocessing);
        return runs.Find(runId);
    }

    /// <summary>The dataset was cut into chunks: one command per chunk (a copy of the event sends the missing ones again).</summary>
    public async Task OnDatasetChunkedAsync(DatasetChunked e, CancellationToken cancellationToken = default)
    {
        var run = await MoveAsync(e.RunId, RunState.Preprocessing, r => r.Chunks is { } known && known.Fingerprint == e.Fingerprint && known.Total == e.Chunks
            ? null
            : r.Computed(Stages.Preprocess, e.ComputeSeconds) with { Chunks = new ChunkProgress(e.Fingerprint, e.Chunks, []) }, PendingCommands, cancellationToken);
        if (run is not null)
            logger.LogInformation("Run {RunId}: dataset {Fingerprint} is cut into {Chunks} chunks", e.RunId, e.Fingerprint, e.Chunks);
        else
            ResendPending(e.RunId, RunState.Preprocessing);
    }

    /// <summary>
    /// One chunk is in, counted by its id; when it was the last one, the dataset is assembled. A chunk counted already
    /// changes nothing and sends nothing (the chunks still missing are on their way, or the deadline sends them again).
    /// </summary>
    public async Task OnChunkPreparedAsync(ChunkPrepared e, CancellationToken cancellationToken = default)
    {
        var run = await MoveAsync(e.RunId, RunState.Preprocessing, r => r.Chunks?.With(e.Fingerprint, e.Chunk) is { } counted
            ? r.Computed(Stages.Preprocess, e.ComputeSeconds) with { Chunks = counted }
            : null, changed => changed.Chunks!.Complete ? [Assemble(changed)] : [], cancellationToken);
        if (run?.Chunks is { } chunks)
            logger.LogInformation("Run {RunId}: chunk {Chunk} is in ({Done} of {Total}){Then}", e.RunId, e.Chunk, chunks.Done.Count, chunks.Total,
                chunks.Complete ? "; assembling the dataset" : "");
    }

    public async Task OnDatasetPreparedAsync(DatasetPrepared e, CancellationToken cancellationToken = default)
    {
        var run = await MoveAsync(e.RunId, RunState.Preprocessing, r => r.Computed(Stages.Preprocess, e.ComputeSeconds) with
        {
            State = RunState.Training,
            ManifestKey = e.ManifestKey,
            Fingerprint = e.Fingerprint,
            Trials = r.Trials.Select(t => t with { State = RunState.Training }).ToList(),
        }, changed => changed.Trials.Select(trial => (object)Train(changed, trial)), cancellationToken);
        if (run is not null)
            await WriteRunFileAsync(run, e.Versions, cancellationToken);
        else
            ResendPending(e.RunId, RunState.Training, RunState.Evaluating);
    }

    public Task OnEpochCompletedAsync(EpochCompleted e, CancellationToken cancellationToken = default) =>
        MoveAsync(e.RunId, RunState.Training, r => r.Trial(e.TrialId) is { State: RunState.Training } trial && e.Epoch > (trial.Epoch ?? 0)
            ? r.WithTrial(e.TrialId, t => t with { Epoch = e.Epoch, ValidationAccuracy = e.ValidationAccuracy })
            : null, then: null, cancellationToken);

    public async Task OnModelTrainedAsync(ModelTrained e, CancellationToken cancellationToken = default)
    {
        var run = await MoveAsync(e.RunId, null, r =>
        {
            if (r.Trial(e.TrialId) is not { State: RunState.Training })
                return null;
            var changed = r.Computed(Stages.Train, e.ComputeSeconds).WithTrial(e.TrialId, t => t with
            {
                State = RunState.Evaluating, ModelKey = e.ModelKey, HistoryKey = e.HistoryKey,
                BestEpoch = e.BestEpoch, ValidationAccuracy = e.BestValidationAccuracy,
            });
            return changed with { State = LiveState(changed) };
        }, changed => [Evaluate(changed, changed.Trial(e.TrialId)!)], cancellationToken);
        if (run is not null)
            await WriteRunFileAsync(run, e.Versions, cancellationToken);
        else
            ResendPending(e.RunId, RunState.Training, RunState.Evaluating);
    }

    public Task OnModelEvaluatedAsync(ModelEvaluated e, CancellationToken cancellationToken = default) =>
        EndTrialAsync(e.RunId, e.TrialId, RunState.Evaluating,
            t => t with { State = RunState.Completed, TestAccuracy = e.TestAccuracy, ReportKey = e.ReportKey, MetricsKey = e.MetricsKey }, cancellationToken,
            r => r.Computed(Stages.Evaluate, e.ComputeSeconds));

    public Task OnStageFailedAsync(StageFailed e, CancellationToken cancellationToken = default)
    {
        var error = $"{e.Stage}: {e.Reason}";
        if (e.TrialId is { } trialId)
            return EndTrialAsync(e.RunId, trialId, null, t => t with { State = RunState.Failed, Error = error }, cancellationToken);
        return MoveAsync(e.RunId, null, r => r with
        {
            State = RunState.Failed,
            Error = error,
            Trials = r.Trials.Select(t => t.State.IsFinal() ? t : t with { State = RunState.Failed }).ToList(),
        }, then: null, cancellationToken);
    }

    /// <summary>Cancels a live or interrupted run; returns the run as it is afterwards, or null when there is no such run.</summary>
    public async Task<RunRecord?> CancelAsync(Guid runId, CancellationToken cancellationToken = default)
    {
        // The marker first: every stage checks it before and during work, so even a command redelivered to a process
        // that never heard the broadcast stands down.
        if (runs.Find(runId) is { } live && !live.State.IsFinal())
            await objects.PutBytesAsync(ObjectKeys.CancelMarker(runId), [], cancellationToken);
        await MoveAsync(runId, null, r => r with
        {
            State = RunState.Cancelled,
            Trials = r.Trials.Select(t => t.State.IsFinal() ? t : t with { State = RunState.Cancelled }).ToList(),
        }, _ => [new RunCancelled(runId)], cancellationToken, includeInterrupted: true);
        return runs.Find(runId);
    }

    /// <summary>Marks the live runs whose owning process died as Interrupted; returns their ids.</summary>
    public async Task<IReadOnlyList<Guid>> InterruptOrphansAsync(CancellationToken cancellationToken = default)
    {
        var orphans = runs.ListLive().Where(run => run.Owner is { } owner && owner != ProcessIdentity.Current && !ProcessIdentity.IsAlive(owner));
        var interrupted = new List<Guid>();
        foreach (var orphan in orphans)
            if (await MoveAsync(orphan.Id, orphan.State, r => r with { State = RunState.Interrupted }, then: null, cancellationToken) is not null)
                interrupted.Add(orphan.Id);
        return interrupted;
    }

    /// <summary>
    /// Continues an Interrupted run: its stage's command is sent again, and the stage resumes from what it stored. The
    /// leases of the dead process are dropped first, so that the trials go to this process's trainer at once instead of
    /// after the leases expire.
    /// </summary>
    /// <returns>The run afterwards, or null when there is no such run.</returns>
    public async Task<RunRecord?> ResumeAsync(Guid runId, CancellationToken cancellationToken = default)
    {
        if (runs.Find(runId) is { State: RunState.Interrupted })
            runs.DropLeases(runId);
        await MoveAsync(runId, RunState.Interrupted, r => r with { State = ResumedState(r), Owner = Owner }, PendingCommands, cancellationToken,
            includeInterrupted: true);
        return runs.Find(runId);
    }

    /// <summary>
    /// Trials whose trainer stopped renewing its lease (it died, or lost the broker) are sent again, in the same
    /// transaction that revokes the lease; the next trainer resumes from the last checkpoint.
    /// </summary>
    public Task ResendExpiredTrialsAsync(CancellationToken cancellationToken = default)
    {
        foreach (var (runId, trialId, holder) in runs.ExpiredLeases(clock.GetUtcNow()))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var run = runs.Find(runId);
            var resend = run?.Trial(trialId) is { State: RunState.Training } trial && run.State == RunState.Training
                ? [OutboxMessage.Of(Train(run, trial), runId)]
                : Array.Empty<OutboxMessage>();
            if (runs.TryRevokeExpiredLease(runId, trialId, holder, clock.GetUtcNow(), resend) && resend.Length > 0)
            {
                logger.LogWarning("Run {RunId} trial {TrialId}: {Holder} no longer holds its lease (it stopped renewing it, or gave the trial back); the trial is sent again", runId, trialId, holder);
                Committed();
            }
        }
        return Task.CompletedTask;
    }

    /// <summary>
    /// A redelivered event whose change is already saved: send again the commands the run waits on in its current state,
    /// in case one was lost on the way. Safe because every stage is idempotent and a trial is trained by one lease
    /// holder only (a duplicate trainer stands down).
    /// </summary>
    private void ResendPending(Guid runId, params RunState[] states)
    {
        if (runs.Find(runId) is not { } run || !states.Contains(run.State))
            return;
        var pending = PendingCommands(run).Select(command => OutboxMessage.Of(command, runId)).ToList();
        if (pending.Count == 0)
            return;
        logger.LogInformation("Run {RunId}: an event came again; sending again the {Count} command(s) its {State} state waits on", runId, pending.Count, run.State);
        runs.Enqueue(pending);
        Committed();
    }

    /// <summary>A worker spoke: runs waiting on its stage are queued, not stranded.</summary>
    public void OnHeartbeat(StageHeartbeat heartbeat) => runs.WorkerSeen(heartbeat.Stage, heartbeat.Instance, clock.GetUtcNow());

    /// <summary>
    /// No run waits on a stage for ever. A run that has not moved for <see cref="OrchestratorOptions.StageDeadline"/>
    /// while no worker of its stage said it was alive gets its commands sent again (a worker may come); after
    /// <see cref="OrchestratorOptions.StageResends"/> such tries it fails, saying which stage never answered.
    /// </summary>
    public async Task EnforceDeadlinesAsync(CancellationToken cancellationToken = default)
    {
        var (deadline, resends) = (options.Value.StageDeadline, options.Value.StageResends);
        foreach (var run in runs.ListLive())
        {
            var now = clock.GetUtcNow();
            if (StageOf(run.State) is not { } stage || now - run.UpdatedAt < deadline || runs.WorkerSeenSince(stage, now - deadline))
                continue;
            if (run.Resends < resends)
            {
                logger.LogWarning("Run {RunId}: no {Stage} worker answered for {Deadline}; sending its commands again ({Try} of {Resends})",
                    run.Id, stage, deadline, run.Resends + 1, resends);
                await MoveAsync(run.Id, run.State, r => r with { Resends = r.Resends + 1 }, PendingCommands, cancellationToken);
                continue;
            }
            var error = $"{stage}: no {stage} worker answered for {deadline.TotalMinutes:0.#} minutes after {resends + 1} sends of its command; " +
                        $"start one (e.g. `pipeline cluster start {ServiceOf(stage)}`) and submit the run again";
            await MoveAsync(run.Id, run.State, r => r with
            {
                State = RunState.Failed,
                Error = error,
                Trials = r.Trials.Select(t => t.State.IsFinal() ? t : t with { State = RunState.Failed, Error = error }).ToList(),
            }, then: null, cancellationToken);
        }
    }

    private static string? StageOf(RunState state) => state switch
    {
        RunState.Preprocessing => Stages.Preprocess,
        RunState.Training => Stages.Train,
        RunState.Evaluating => Stages.Evaluate,
        _ => null,
    };

    private static string ServiceOf(string stage) => stage switch
    {
        Stages.Preprocess => "preprocessor",
        Stages.Train => "trainer",
        _ => "evaluator",
    };

    private static RunState ResumedState(RunRecord run) => run.ManifestKey is null ? RunState.Preprocessing : LiveState(run);

    /// <summary>Training while any trial trains, else Evaluating.</summary>
    private static RunState LiveState(RunRecord run) => run.Trials.Any(t => t.State == RunState.Training) ? RunState.Training : RunState.Evaluating;

    /// <summary>The commands that a run in its current state waits on.</summary>
    private static IEnumerable<object> PendingCommands(RunRecord run)
    {
        if (run.State == RunState.Preprocessing)
        {
            if (run.Chunks is not { } chunks)
                yield return Preprocess(run);
            else if (chunks.Complete)
                yield return Assemble(run);
            else
                foreach (var chunk in chunks.Missing)
                    yield return new PreprocessChunk(run.Id, chunks.Fingerprint, chunk, chunks.Total);
        }
        foreach (var trial in run.Trials)
            if (trial.State == RunState.Training)
                yield return Train(run, trial);
            else if (trial.State == RunState.Evaluating)
                yield return Evaluate(run, trial);
    }

    private static PreprocessDataset Preprocess(RunRecord run) => new(run.Id, run.Spec.Dataset, run.Spec.Preprocessing, run.Spec.Seed);

    private static AssembleDataset Assemble(RunRecord run) => new(run.Id, run.Chunks!.Fingerprint);

    private static TrainModel Train(RunRecord run, TrialRecord trial) => new(run.Id, trial.TrialId, trial.Training, run.Spec.Seed, run.ManifestKey!);

    private static EvaluateModel Evaluate(RunRecord run, TrialRecord trial) =>
        new(run.Id, trial.TrialId, run.Spec.Evaluation, run.Spec.Seed, run.ManifestKey!, trial.ModelKey!, trial.HistoryKey!);

    /// <summary>Ends one trial; when it was the last one running, the run ends: Completed when any trial completed, else Failed.</summary>
    /// <param name="alsoChange">A change to the run itself that comes with the trial's end (the stage's compute time).</param>
    private Task EndTrialAsync(Guid runId, string trialId, RunState? expected, Func<TrialRecord, TrialRecord> end, CancellationToken cancellationToken,
        Func<RunRecord, RunRecord>? alsoChange = null) =>
        MoveAsync(runId, null, r =>
        {
            if (r.Trial(trialId) is not { } trial || trial.State.IsFinal() || (expected is { } state && trial.State != state))
                return null;
            var changed = (alsoChange?.Invoke(r) ?? r).WithTrial(trialId, end);
            if (!changed.Trials.All(t => t.State.IsFinal()))
                return changed with { State = LiveState(changed) };
            return changed.BestTrial is not null
                ? changed with { State = RunState.Completed }
                : changed with { State = RunState.Failed, Error = string.Join("; ", changed.Trials.Select(t => t.Error).OfType<string>().Distinct()) };
        }, then: null, cancellationToken);

    /// <summary>
    /// Applies <paramref name="change"/> to the run if it is in <paramref name="expected"/> (any live state when null) and
    /// saves it with the messages <paramref name="then"/> makes of the changed run, plus <see cref="RunCompleted"/> when
    /// the run became final, retrying on a concurrent update. Returns the saved run, or null when nothing changed.
    /// </summary>
    private async Task<RunRecord?> MoveAsync(Guid runId, RunState? expected, Func<RunRecord, RunRecord?> change,
        Func<RunRecord, IEnumerable<object>>? then, CancellationToken cancellationToken, bool includeInterrupted = false)
    {
        // One change at a time per run in this process: two copies of an event consumed at once would otherwise both
        // write the run's summary (with different times) before one of them lost the optimistic update.
        using (await _changing.LockAsync(runId, cancellationToken))
            return await MoveOnceAsync(runId, expected, change, then, cancellationToken, includeInterrupted);
    }

    private async Task<RunRecord?> MoveOnceAsync(Guid runId, RunState? expected, Func<RunRecord, RunRecord?> change,
        Func<RunRecord, IEnumerable<object>>? then, CancellationToken cancellationToken, bool includeInterrupted)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var run = runs.Find(runId);
            if (run is null)
            {
                logger.LogWarning("Event for unknown run {RunId} ignored", runId);
                return null;
            }
            if (run.State.IsFinal() || (!includeInterrupted && run.State == RunState.Interrupted) || (expected is { } state && run.State != state))
            {
                logger.LogDebug("Run {RunId} is {State}; event for {Expected} ignored", runId, run.State, expected);
                return null;
            }
            if (change(run) is not { } changed)
                return null;
            changed = changed with { UpdatedAt = clock.GetUtcNow(), Resends = changed.State == run.State ? changed.Resends : 0 };
            var messages = then?.Invoke(changed).ToList() ?? [];
            if (changed.State.IsFinal())
            {
                changed = await SummarizeAsync(changed, cancellationToken);
                messages.Add(Completed(changed));
            }
            if (runs.TryUpdate(changed, messages.Select(message => OutboxMessage.Of(message, runId))))
            {
                if (changed.State != run.State)
                    logger.LogInformation("Run {RunId}: {From} -> {To}", runId, run.State, changed.State);
                if (messages.Count > 0)
                    Committed();
                return changed with { Version = run.Version + 1 };
            }
            await Task.Yield();
        }
    }

    /// <summary>After a commit with messages: the place a crash must not lose them (a failpoint), then send them.</summary>
    private void Committed()
    {
        Failpoints.Hit(Failpoints.OrchestratorAfterStateSaved);
        outbox.Wake();
    }

    /// <summary>The run-level report, written before the final state is saved so that <see cref="RunCompleted"/> can name it.</summary>
    private async Task<RunRecord> SummarizeAsync(RunRecord run, CancellationToken cancellationToken) =>
        run.Trials.Any(t => t.State == RunState.Completed) ? run with { SummaryKey = await summaries.WriteAsync(run, cancellationToken) } : run;

    private static RunCompleted Completed(RunRecord run)
    {
        var best = run.BestTrial;
        return new RunCompleted(run.Id, run.State, best?.TestAccuracy, best?.ReportKey, run.Error,
            run.Trials.Select(t => t.Outcome()).ToList(), run.SummaryKey, best?.TrialId, run.ComputeSeconds);
    }

    private async Task WriteRunFileAsync(RunRecord run, IReadOnlyDictionary<string, string> versions, CancellationToken cancellationToken)
    {
        var key = ObjectKeys.RunFile(run.Id);
        var known = await objects.ExistsAsync(key, cancellationToken)
            ? (await objects.GetJsonAsync<RunFile>(key, cancellationToken)).Versions
            : new Dictionary<string, string>();
        await objects.PutJsonAsync(key, new RunFile
        {
            RunId = run.Id,
            Spec = run.Spec,
            CreatedAt = run.CreatedAt,
            DatasetFingerprint = run.Fingerprint,
            ManifestKey = run.ManifestKey,
            Versions = known.Concat(versions).GroupBy(kv => kv.Key).ToDictionary(g => g.Key, g => g.Last().Value),
        }, cancellationToken);
    }
}
