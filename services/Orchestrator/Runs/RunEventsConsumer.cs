using MassTransit;
using Pipeline.Contracts;

namespace Pipeline.Orchestrator.Runs;

/// <summary>Feeds every run command and stage event to the <see cref="RunCoordinator"/>.</summary>
public sealed class RunEventsConsumer(RunCoordinator coordinator) :
    IConsumer<SubmitRun>,
    IConsumer<CancelRun>,
    IConsumer<ResumeRun>,
    IConsumer<DatasetPrepared>,
    IConsumer<EpochCompleted>,
    IConsumer<ModelTrained>,
    IConsumer<ModelEvaluated>,
    IConsumer<StageFailed>
{
    public Task Consume(ConsumeContext<SubmitRun> context) =>
        coordinator.SubmitAsync(context.Message.RunId, context.Message.Spec, context, context.CancellationToken);

    public Task Consume(ConsumeContext<CancelRun> context) =>
        coordinator.CancelAsync(context.Message.RunId, context, context.CancellationToken);

    public Task Consume(ConsumeContext<ResumeRun> context) =>
        coordinator.ResumeAsync(context.Message.RunId, context, context.CancellationToken);

    public Task Consume(ConsumeContext<DatasetPrepared> context) =>
        coordinator.OnDatasetPreparedAsync(context.Message, context, context.CancellationToken);

    public Task Consume(ConsumeContext<EpochCompleted> context) =>
        coordinator.OnEpochCompletedAsync(context.Message, context.CancellationToken);

    public Task Consume(ConsumeContext<ModelTrained> context) =>
        coordinator.OnModelTrainedAsync(context.Message, context, context.CancellationToken);

    public Task Consume(ConsumeContext<ModelEvaluated> context) =>
        coordinator.OnModelEvaluatedAsync(context.Message, context, context.CancellationToken);

    public Task Consume(ConsumeContext<StageFailed> context) =>
        coordinator.OnStageFailedAsync(context.Message, context, context.CancellationToken);
}
