using MassTransit;
using Pipeline.Contracts;
using Pipeline.Runs;
using Pipeline.Storage;

namespace Pipeline.Orchestrator.Runs;

/// <summary>
/// The run state machine: Submitted -> Preprocessing -> Training -> Evaluating -> Completed, or Failed / Cancelled
/// from any live state. Each event moves a run only from the state that expects it, so an event that arrives twice
/// or late changes nothing. State is saved before the next command is published.
/// </summary>
public sealed class RunCoordinator(RunStore runs, IObjectStore objects, TimeProvider clock, ILogger<RunCoordinator> logger)
{
    /// <summary>Every run has one trial for now; sweeps will fan out several.</summary>
    public const string DefaultTrialId = "t1";

    public async Task<RunRecord> SubmitAsync(Guid runId, RunSpec spec, IPublishEndpoint publisher, CancellationToken cancellationToken = default)
    {
        if (spec.Validate() is [_, ..] errors)
            throw new PipelineException(string.Join(Environment.NewLine, errors));
        var now = clock.GetUtcNow();
        var submitted = new RunRecord { Id = runId, State = RunState.Submitted, Spec = spec, CreatedAt = now, UpdatedAt = now };
        if (runs.TryInsert(submitted))
            await WriteRunFileAsync(submitted, ComponentVersions.Host, cancellationToken);
        var started = await MoveAsync(runId, RunState.Submitted, run => run with { State = RunState.Preprocessing }, cancellationToken);
        if (started is not null)
            await publisher.Publish(new PreprocessDataset(runId, spec), cancellationToken);
        return runs.Find(runId)!;
    }

    public async Task OnDatasetPreparedAsync(DatasetPrepared e, IPublishEndpoint publisher, CancellationToken cancellationToken = default)
    {
        var run = await MoveAsync(e.RunId, RunState.Preprocessing,
            r => r with { State = RunState.Training, ManifestKey = e.ManifestKey, Fingerprint = e.Fingerprint }, cancellationToken);
        if (run is null)
            return;
        await WriteRunFileAsync(run, e.Versions, cancellationToken);
        await publisher.Publish(new TrainModel(run.Id, DefaultTrialId, run.Spec, e.ManifestKey), cancellationToken);
    }

    public Task OnEpochCompletedAsync(EpochCompleted e, CancellationToken cancellationToken = default) =>
        MoveAsync(e.RunId, RunState.Training,
            r => e.Epoch <= (r.Epoch ?? 0) ? null : r with { Epoch = e.Epoch, ValidationAccuracy = e.ValidationAccuracy }, cancellationToken);

    public async Task OnModelTrainedAsync(ModelTrained e, IPublishEndpoint publisher, CancellationToken cancellationToken = default)
    {
        var run = await MoveAsync(e.RunId, RunState.Training,
            r => r with { State = RunState.Evaluating, ModelKey = e.ModelKey, HistoryKey = e.HistoryKey }, cancellationToken);
        if (run is null)
            return;
        await WriteRunFileAsync(run, e.Versions, cancellationToken);
        await publisher.Publish(new EvaluateModel(run.Id, e.TrialId, run.Spec, run.ManifestKey!, e.ModelKey, e.HistoryKey), cancellationToken);
    }

    public async Task OnModelEvaluatedAsync(ModelEvaluated e, IPublishEndpoint publisher, CancellationToken cancellationToken = default)
    {
        var run = await MoveAsync(e.RunId, RunState.Evaluating,
            r => r with { State = RunState.Completed, TestAccuracy = e.TestAccuracy, ReportKey = e.ReportKey }, cancellationToken);
        if (run is not null)
            await publisher.Publish(new RunCompleted(run.Id, run.State, run.TestAccuracy, run.ReportKey, null), cancellationToken);
    }

    public async Task OnStageFailedAsync(StageFailed e, IPublishEndpoint publisher, CancellationToken cancellationToken = default)
    {
        var run = await MoveAsync(e.RunId, null, r => r with { State = RunState.Failed, Error = $"{e.Stage}: {e.Reason}" }, cancellationToken);
        if (run is not null)
            await publisher.Publish(new RunCompleted(run.Id, run.State, null, null, run.Error), cancellationToken);
    }

    /// <summary>Cancels a live run; returns the run as it is afterwards, or null when there is no such run.</summary>
    public async Task<RunRecord?> CancelAsync(Guid runId, IPublishEndpoint publisher, CancellationToken cancellationToken = default)
    {
        var run = await MoveAsync(runId, null, r => r with { State = RunState.Cancelled }, cancellationToken);
        if (run is not null)
        {
            await publisher.Publish(new RunCancelled(runId), cancellationToken);
            await publisher.Publish(new RunCompleted(runId, RunState.Cancelled, null, null, null), cancellationToken);
        }
        return runs.Find(runId);
    }

    /// <summary>
    /// Applies <paramref name="change"/> to the run if it is in <paramref name="expected"/> (any live state when null),
    /// retrying on a concurrent update. Returns the saved run, or null when nothing changed.
    /// </summary>
    private async Task<RunRecord?> MoveAsync(Guid runId, RunState? expected, Func<RunRecord, RunRecord?> change, CancellationToken cancellationToken)
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
            if (run.State.IsFinal() || (expected is { } state && run.State != state))
            {
                logger.LogDebug("Run {RunId} is {State}; event for {Expected} ignored", runId, run.State, expected);
                return null;
            }
            if (change(run) is not { } changed)
                return null;
            changed = changed with { UpdatedAt = clock.GetUtcNow() };
            if (runs.TryUpdate(changed))
            {
                if (changed.State != run.State)
                    logger.LogInformation("Run {RunId}: {From} -> {To}", runId, run.State, changed.State);
                return changed with { Version = run.Version + 1 };
            }
            await Task.Yield();
        }
    }

    private async Task WriteRunFileAsync(RunRecord run, IReadOnlyDictionary<string, string> versions, CancellationToken cancellationToken)
    {
        var key = ObjectKeys.RunRecord(run.Id);
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
