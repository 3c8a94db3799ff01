using MassTransit;
using Pipeline.Contracts;
using Pipeline.Datasets;
using Pipeline.Hosting;
using Pipeline.Runs;
using Pipeline.Storage;
using Pipeline.Trainer.Training;

namespace Pipeline.Trainer;

/// <summary>Trains one trial; a redelivered command resumes from the last checkpoint (or re-announces a finished model).</summary>
public sealed class TrainModelConsumer(ClassifierTrainer trainer, IObjectStore store, RunCancellations cancellations, ILogger<TrainModelConsumer> logger)
    : IConsumer<TrainModel>
{
    private static readonly IReadOnlyDictionary<string, string> Versions = ComponentVersions.Of(typeof(TorchSharp.torch), typeof(ClassifierTrainer));

    public Task Consume(ConsumeContext<TrainModel> context) =>
        context.RunStageAsync("train", context.Message.RunId, context.Message.TrialId, cancellations, logger, async cancellationToken =>
        {
            var (runId, trialId, training, seed, manifestKey) = context.Message;
            var manifest = await store.GetJsonAsync<DatasetManifest>(manifestKey, cancellationToken);
            var result = await trainer.TrainAsync(new TrainingRequest(runId, trialId, training, seed, manifest),
                (epoch, epochs) => context.Publish(new EpochCompleted(runId, trialId, epoch.Epoch, epochs, epoch.TrainLoss, epoch.TrainAccuracy,
                    epoch.ValidationLoss, epoch.ValidationAccuracy, epoch.ImagesPerSecond, TimeSpan.FromSeconds(epoch.Seconds)), cancellationToken),
                cancellationToken);
            await context.Publish(new ModelTrained(runId, trialId, result.ModelKey, result.HistoryKey, result.BestEpoch,
                result.BestValidationAccuracy, Versions), cancellationToken);
        });
}
