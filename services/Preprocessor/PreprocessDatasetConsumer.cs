using MassTransit;
using Pipeline.Contracts;
using Pipeline.Hosting;
using Pipeline.Preprocessor.Preprocessing;

namespace Pipeline.Preprocessor;

/// <summary>Prepares a run's dataset; a dataset already prepared (same fingerprint) is announced from the cache.</summary>
public sealed class PreprocessDatasetConsumer(DatasetPreparer preparer, RunCancellations cancellations, ILogger<PreprocessDatasetConsumer> logger)
    : IConsumer<PreprocessDataset>
{
    public Task Consume(ConsumeContext<PreprocessDataset> context) =>
        context.RunStageAsync("preprocess", context.Message.RunId, cancellations, logger, async cancellationToken =>
        {
            var progress = new ProgressPublisher(context, context.Message.RunId, cancellationToken);
            var prepared = await preparer.PrepareAsync(context.Message.Spec, progress, cancellationToken);
            await progress.FlushAsync();
            await context.Publish(prepared.ToEvent(context.Message.RunId), cancellationToken);
        });
}
