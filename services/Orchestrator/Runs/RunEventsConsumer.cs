using MassTransit;
using Pipeline.Hosting;
using Pipeline.Contracts;

namespace Pipeline.Orchestrator.Runs;

/// <summary>
/// Feeds every run command and stage event to the <see cref="RunCoordinator"/>, and keeps each event of a known run in
/// the run's journal (<see cref="RunStore.Events"/>), which clients follow.
/// </summary>
public sealed class RunEventsConsumer(RunCoordinator coordinator, RunStore runs) :
    IConsumer<SubmitRun>,
    IConsumer<CancelRun>,
    IConsumer<ResumeRun>,
    IConsumer<DatasetChunked>,
    IConsumer<ChunkPrepared>,
    IConsumer<DatasetPrepared>,
    IConsumer<EpochCompleted>,
    IConsumer<ModelTrained>,
    IConsumer<ModelEvaluated>,
    IConsumer<StageFailed>,
    IConsumer<PreprocessingProgressed>,
    IConsumer<StageHeartbeat>,
    IConsumer<RunCompleted>,
    IConsumer<Fault<PreprocessDataset>>,
    IConsumer<Fault<PreprocessChunk>>,
    IConsumer<Fault<AssembleDataset>>,
    IConsumer<Fault<TrainModel>>,
    IConsumer<Fault<EvaluateModel>>
{
    public Task Consume(ConsumeContext<SubmitRun> context) =>
        coordinator.SubmitAsync(context.Message.RunId, context.Message.Spec, context.CancellationToken);

    public Task Consume(ConsumeContext<CancelRun> context) =>
        coordinator.CancelAsync(context.Message.RunId, context.CancellationToken);

    public Task Consume(ConsumeContext<ResumeRun> context) =>
        coordinator.ResumeAsync(context.Message.RunId, context.CancellationToken);

    public Task Consume(ConsumeContext<DatasetChunked> context) =>
        ApplyAsync(context.Message.RunId, context.Message, coordinator.OnDatasetChunkedAsync(context.Message, context.CancellationToken));

    public Task Consume(ConsumeContext<ChunkPrepared> context) =>
        ApplyAsync(context.Message.RunId, context.Message, coordinator.OnChunkPreparedAsync(context.Message, context.CancellationToken));

    public Task Consume(ConsumeContext<DatasetPrepared> context) =>
        ApplyAsync(context.Message.RunId, context.Message, coordinator.OnDatasetPreparedAsync(context.Message, context.CancellationToken));

    public Task Consume(ConsumeContext<EpochCompleted> context) =>
        ApplyAsync(context.Message.RunId, context.Message, coordinator.OnEpochCompletedAsync(context.Message, context.CancellationToken));

    public Task Consume(ConsumeContext<ModelTrained> context) =>
        ApplyAsync(context.Message.RunId, context.Message, coordinator.OnModelTrainedAsync(context.Message, context.CancellationToken));

    public Task Consume(ConsumeContext<ModelEvaluated> context) =>
        ApplyAsync(context.Message.RunId, context.Message, coordinator.OnModelEvaluatedAsync(context.Message, context.CancellationToken));

    public Task Consume(ConsumeContext<StageFailed> context) =>
        ApplyAsync(context.Message.RunId, context.Message, coordinator.OnStageFailedAsync(context.Message, context.CancellationToken));

    // A command that kept failing went to its stage's error queue: the run (or the trial) fails with what it threw.
    public Task Consume(ConsumeContext<Fault<PreprocessDataset>> context) =>
        FaultedAsync(context.Message, Stages.Preprocess, context.Message.Message.RunId, null);

    public Task Consume(ConsumeContext<Fault<PreprocessChunk>> context) =>
        FaultedAsync(context.Message, Stages.Preprocess, context.Message.Message.RunId, null);

    public Task Consume(ConsumeContext<Fault<AssembleDataset>> context) =>
        FaultedAsync(context.Message, Stages.Preprocess, context.Message.Message.RunId, null);

    public Task Consume(ConsumeContext<Fault<TrainModel>> context) =>
        FaultedAsync(context.Message, Stages.Train, context.Message.Message.RunId, context.Message.Message.TrialId);

    public Task Consume(ConsumeContext<Fault<EvaluateModel>> context) =>
        FaultedAsync(context.Message, Stages.Evaluate, context.Message.Message.RunId, context.Message.Message.TrialId);

    private Task FaultedAsync(Fault fault, string stage, Guid runId, string? trialId)
    {
        var cause = fault.Exceptions.FirstOrDefault() is { } exception ? $"{exception.ExceptionType.Split('.')[^1]}: {exception.Message}" : "unknown error";
        var reason = $"kept failing through its retries and gave up (the message is in its error queue): {cause}";
        var failed = new StageFailed(runId, stage, reason, trialId);
        return ApplyAsync(runId, failed, coordinator.OnStageFailedAsync(failed));
    }

    public Task Consume(ConsumeContext<StageHeartbeat> context)
    {
        coordinator.OnHeartbeat(context.Message);
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<PreprocessingProgressed> context)
    {
        Journal(context.Message.RunId, context.Message);
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<RunCompleted> context)
    {
        Journal(context.Message.RunId, context.Message);
        return Task.CompletedTask;
    }

    /// <summary>The coordinator applies the event first; the journal then shows it, so a watcher never sees an event ahead of the run's state.</summary>
    private async Task ApplyAsync(Guid runId, object message, Task applied)
    {
        await applied;
        Journal(runId, message);
    }

    private void Journal(Guid runId, object message)
    {
        if (runs.Find(runId) is not null)
            runs.AppendEvent(runId, message);
    }
}
