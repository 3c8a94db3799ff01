using System.Diagnostics;
using MassTransit;
using Pipeline.Contracts;
using Pipeline.Hosting;
using Pipeline.Preprocessor.Preprocessing;
using Pipeline.Runs;

namespace Pipeline.Preprocessor;

/// <summary>Every chunk of a dataset is in: writes its manifest from the chunks' results and announces <see cref="DatasetPrepared"/>.</summary>
public sealed class AssembleDatasetConsumer(DatasetPreparer preparer, ChunkDocuments chunks, RunCancellations cancellations,
    ILogger<AssembleDatasetConsumer> logger) : IConsumer<AssembleDataset>
{
    private static readonly KeyedLocks Assembling = new();

    public Task Consume(ConsumeContext<AssembleDataset> context) =>
        context.RunStageAsync(Stages.Preprocess, context.Message.RunId, trialId: null, cancellations, logger, async cancellationToken =>
        {
            var (runId, fingerprint) = context.Message;
            PreparedDataset prepared;
            Stopwatch computing;
            using (await Assembling.LockAsync(fingerprint, cancellationToken))
            {
                computing = Stopwatch.StartNew();
                // A copy of this command, or another run of the same dataset, finds the manifest written and intact.
                prepared = await preparer.FindPreparedAsync(fingerprint, cancellationToken) ?? await AssembleAsync(fingerprint, cancellationToken);
            }
            await context.Publish(DatasetAnnouncements.Prepared(runId, prepared, computing.Elapsed), cancellationToken);
        });

    private async Task<PreparedDataset> AssembleAsync(string fingerprint, CancellationToken cancellationToken)
    {
        var plan = await chunks.LoadPlanAsync(fingerprint, cancellationToken);
        var results = new List<ChunkResult>();
        for (var chunk = 0; chunk < plan.Chunks; chunk++)
            results.Add(await chunks.TryLoadResultAsync(fingerprint, chunk, cancellationToken)
                        ?? throw new PipelineException($"Chunk {chunk} of dataset {fingerprint} was announced, but its result is not in the store " +
                                                       $"({Pipeline.Storage.ObjectKeys.ChunkResult(fingerprint, chunk)}); submit the run again."));
        return await preparer.AssembleAsync(plan, results, cancellationToken);
    }
}
