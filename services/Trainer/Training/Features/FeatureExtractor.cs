using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Pipeline.Datasets;
using Pipeline.Datasets.Streaming;
using Pipeline.Hosting;
using Pipeline.ModelZoo;
using Pipeline.ModelZoo.Classification;
using static TorchSharp.torch;

namespace Pipeline.Trainer.Training.Features;

/// <summary>
/// Runs the frozen backbone once over every image of a split and each of its views, streaming the shards in order and
/// handing out one <see cref="FeatureChunk"/> per shard as soon as it is complete, so memory holds a few shards and a
/// chunk whatever the split's size. View 0 is the image as it is; view v > 0 is augmented from a random stream of its own,
/// seeded by (seed, v) and consumed in image order, so a view is the same whatever the batch size and whichever trial
/// computes it. The slow part of a transfer trial on a CPU: it logs progress and stops between batches when cancelled.
/// </summary>
public sealed class FeatureExtractor(ILogger logger)
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(15);

    public IEnumerable<FeatureChunk> Extract(ImageClassifier classifier, SplitStream images, FeatureKey key, RandomRotationFlip augmentation, int batchSize,
        CancellationToken cancellationToken)
    {
        classifier.eval();
        var clock = Stopwatch.StartNew();
        var lastReport = TimeSpan.Zero;
        var (views, dimension) = (key.Views, classifier.Backbone.FeatureCount);
        var randoms = Enumerable.Range(0, views).Select(view => new Random(ViewSeed(key.Seed ?? 0, view))).ToArray();
        ShardImages? shard = null;
        float[] features = [];
        long[] labels = [];
        var filled = 0;
        var done = 0;
        foreach (var batch in images.Batches(batchSize, shuffle: null, cancellationToken))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var rows = BatchFeatures(classifier, batch, augmentation, randoms);
            for (var i = 0; i < batch.Count; i++)
            {
                if (!ReferenceEquals(batch[i].Chunk, shard))
                {
                    // In stored order a shard's images come together: the previous chunk is complete.
                    if (shard is not null)
                        yield return new FeatureChunk(features, labels, views, dimension);
                    shard = batch[i].Chunk;
                    (features, labels, filled) = (new float[views * shard.Count * dimension], new long[shard.Count], 0);
                }
                for (var view = 0; view < views; view++)
                    rows[view].AsSpan(i * dimension, dimension).CopyTo(features.AsSpan((view * shard.Count + filled) * dimension, dimension));
                labels[filled++] = shard.Label(batch[i].Index);
            }
            if (done < images.Count / 2 && done + batch.Count >= images.Count / 2)
                Failpoints.Hit(Failpoints.TrainerMidFeatures);
            done += batch.Count;
            if (clock.Elapsed - lastReport >= ProgressInterval)
            {
                lastReport = clock.Elapsed;
                logger.LogInformation("Features of the {Split} split: {Done}/{Total} images ({Views} view(s) each), {ImagesPerSecond:F1} image views/s",
                    key.Split, done, images.Count, views, (long)done * views / clock.Elapsed.TotalSeconds);
            }
        }
        if (shard is not null)
            yield return new FeatureChunk(features, labels, views, dimension);
        var total = (long)views * images.Count;
        logger.LogInformation("Features of the {Split} split: {Total} image views ({Views} view(s) per image) in {Seconds:F1} s, {ImagesPerSecond:F1} img/s",
            key.Split, total, views, clock.Elapsed.TotalSeconds, total / clock.Elapsed.TotalSeconds);
    }

    /// <summary>The batch's features under each view, [view][image * dimension + d].</summary>
    private static float[][] BatchFeatures(ImageClassifier classifier, IReadOnlyList<ChunkItem<ShardImages>> batch, RandomRotationFlip augmentation, Random[] randoms)
    {
        var rows = new float[randoms.Length][];
        using (NewDisposeScope())
        {
            var plain = ImageBatch.Pixels(batch, classifier.Device);
            for (var view = 0; view < randoms.Length; view++)
            {
                var pixels = view == 0 ? plain : augmentation.Apply(plain, randoms[view]);
                rows[view] = classifier.Features(pixels).to(ScalarType.Float32).cpu().contiguous().data<float>().ToArray();
            }
        }
        LibTorchMemory.ReleaseUnreachableTensors();
        return rows;
    }

    /// <summary>A constant apart from the epochs' (seed * 1_000_003 + epoch), so no view replays an epoch's shuffle.</summary>
    private static int ViewSeed(int seed, int view) => unchecked(seed * 1_000_033 + 7_919 * view + 17);
}
