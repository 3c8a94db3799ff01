using System.Diagnostics;
using MassTransit;
using Pipeline.Contracts;
using Pipeline.Datasets;
using Pipeline.Hosting;
using Pipeline.Preprocessor.Preprocessing;
using Pipeline.Runs;

namespace Pipeline.Preprocessor;

/// <summary>
/// Prepares one chunk of a planned dataset and says so with <see cref="ChunkPrepared"/>. A chunk whose result is in the
/// store already (a redelivery, another run of the same dataset) is announced again without rewriting anything.
/// </summary>
public sealed class PreprocessChunkConsumer(DatasetPreparer preparer, ChunkDocuments chunks, IDatasetCatalog datasets, RunCancellations cancellations,
    ILogger<PreprocessChunkConsumer> logger) : IConsumer<PreprocessChunk>
{
    private static readonly KeyedLocks Preparing = new();

    public Task Consume(ConsumeContext<PreprocessChunk> context) =>
        context.RunStageAsync(Stages.Preprocess, context.Message.RunId, trialId: null, cancellations, logger, async cancellationToken =>
        {
            var (runId, fingerprint, chunk, count) = context.Message;
            ChunkResult result;
            Stopwatch computing;
            // Two copies of one chunk in this process: the second waits, then finds the first one's result.
            using (await Preparing.LockAsync((fingerprint, chunk), cancellationToken))
            {
                computing = Stopwatch.StartNew();
                if (await chunks.TryLoadResultAsync(fingerprint, chunk, cancellationToken) is { } done)
                {
                    logger.LogInformation("Run {RunId}: chunk {Chunk} of {Chunks} of dataset {Fingerprint} is prepared already; announcing it again", runId, chunk, count, fingerprint);
                    result = done;
                }
                else
                {
                    var plan = await chunks.LoadPlanAsync(fingerprint, cancellationToken);
                    result = (await preparer.PrepareChunkAsync(datasets.Open(plan.Dataset), plan, chunk, progress: null, cancellationToken)).Result;
                    await chunks.SaveResultAsync(result, cancellationToken);
                    logger.LogInformation("Run {RunId}: prepared chunk {Chunk} of {Chunks} of dataset {Fingerprint} in process {ProcessId}: {Images} images, {Quarantined} quarantined",
                        runId, chunk, count, fingerprint, Environment.ProcessId, result.Usable, result.Quarantine.Count);
                }
            }
            await context.Publish(new ChunkPrepared(runId, fingerprint, chunk, result.Usable, result.Quarantine.Count, computing.Elapsed.TotalSeconds), cancellationToken);
        });
}
