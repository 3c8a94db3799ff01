using System.Diagnostics;
using System.Text.Json;
using MassTransit;
using Pipeline.Contracts;
using Pipeline.Datasets;
using Pipeline.Hosting;
using Pipeline.Preprocessor.Preprocessing;
using Pipeline.Runs;

namespace Pipeline.Preprocessor;

/// <summary>
/// Plans a run's dataset: one already prepared (same fingerprint) is announced from the cache; one that fits in a chunk
/// is prepared here; a larger one is cut into chunks, announced with <see cref="DatasetChunked"/> for the orchestrator
/// to share out.
/// </summary>
public sealed class PreprocessDatasetConsumer(DatasetPreparer preparer, ChunkDocuments chunks, IDatasetCatalog datasets, RunCancellations cancellations,
    ILogger<PreprocessDatasetConsumer> logger) : IConsumer<PreprocessDataset>
{
    private static readonly KeyedLocks Preparing = new();

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
                var source = datasets.Open(dataset);
                var planned = await preparer.PlanAsync(source, preprocessing, seed, cancellationToken);
                if (planned.Plan is { Chunks: > 1 } plan)
                {
                    await chunks.SavePlanAsync(plan, cancellationToken);
                    logger.LogInformation("Run {RunId}: dataset {Fingerprint} ({Images} files) is cut into {Chunks} chunks of up to {ChunkImages} files",
                        runId, plan.Fingerprint, plan.Listing.Files.Count, plan.Chunks, plan.ChunkImages);
                    await context.Publish(new DatasetChunked(runId, plan.Fingerprint, plan.Chunks, computing.Elapsed.TotalSeconds), cancellationToken);
                    return;
                }
                prepared = planned.Cached ?? await preparer.PrepareAsync(source, planned.Plan!, planned.ListSeconds, progress, cancellationToken);
            }
            await progress.FlushAsync();
            await context.Publish(DatasetAnnouncements.Prepared(runId, prepared, computing.Elapsed), cancellationToken);
        });
}
