using System.Diagnostics;
using System.Text.Json;
using MassTransit;
using Pipeline.Contracts;
using Pipeline.Datasets;
using Pipeline.Hosting;
using Pipeline.Preprocessor.Preprocessing;
using Pipeline.Runs;

namespace Pipeline.Preprocessor;

/// <summary>Prepares a run's dataset; a dataset already prepared (same fingerprint) is announced from the cache.</summary>
public sealed class PreprocessDatasetConsumer(DatasetPreparer preparer, IDatasetCatalog datasets, RunCancellations cancellations,
    ILogger<PreprocessDatasetConsumer> logger) : IConsumer<PreprocessDataset>
{
    private static readonly KeyedLocks Preparing = new();

    private static readonly IReadOnlyDictionary<string, string> Versions = ComponentVersions.Of(typeof(SixLabors.ImageSharp.Image), typeof(DatasetPreparer));

    public Task Consume(ConsumeContext<PreprocessDataset> context) =>
        context.RunStageAsync(Stages.Preprocess, context.Message.RunId, trialId: null, cancellations, logger, async cancellationToken =>
        {
            var (runId, dataset, preprocessing, seed) = context.Message;
            var progress = new ProgressPublisher(context, runId, cancellationToken);
            // Two copies of one command at once would both prepare the dataset and both write its manifest; the second
            // waits here and then finds it prepared. (Across preprocessors the last complete write wins: same shards.)
            PreparedDataset prepared;
            Stopwatch computing;
            using (await Preparing.LockAsync($"{dataset}|{JsonSerializer.Serialize(preprocessing, PipelineJson.Compact)}|{seed}", cancellationToken))
            {
                // The wait for the lock is another copy's work, not this one's.
                computing = Stopwatch.StartNew();
                prepared = await preparer.PrepareAsync(datasets.Open(dataset), preprocessing, seed, progress, cancellationToken);
            }
            await progress.FlushAsync();
            await context.Publish(Announce(runId, prepared, computing.Elapsed), cancellationToken);
        });

    private static DatasetPrepared Announce(Guid runId, PreparedDataset prepared, TimeSpan computed)
    {
        var manifest = prepared.Manifest;
        return new DatasetPrepared(runId, prepared.ManifestKey, manifest.Fingerprint, manifest.Classes.Count,
            manifest[DatasetSplits.Train].Count, manifest[DatasetSplits.Validation].Count, manifest[DatasetSplits.Test].Count,
            manifest.Quarantine.Count, prepared.FromCache, Versions, manifest.Skipped.Folders, computed.TotalSeconds);
    }
}
