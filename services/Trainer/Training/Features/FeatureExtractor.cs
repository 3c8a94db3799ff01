using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Pipeline.Datasets;
using Pipeline.Hosting;
using Pipeline.ModelZoo;
using Pipeline.ModelZoo.Classification;
using static TorchSharp.torch;

namespace Pipeline.Trainer.Training.Features;

/// <summary>
/// Runs the frozen backbone once over every image of a split and each of its views. View 0 is the image as it is; view v > 0
/// is augmented from a random stream of its own, seeded by (seed, v) and consumed in image order, so a view is the same
/// whatever the batch size and whichever trial computes it. The slow part of a transfer trial on a CPU: it logs progress
/// and stops between batches when cancelled.
/// </summary>
public sealed class FeatureExtractor(ILogger logger)
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(15);

    public FeatureSet Extract(ImageClassifier classifier, SplitImages images, FeatureKey key, RandomRotationFlip augmentation, int batchSize,
        CancellationToken cancellationToken)
    {
        var features = zeros(key.Views, images.Count, classifier.Backbone.FeatureCount);
        var labels = tensor(images.Labels.Select(label => (long)label).ToArray());
        var set = new FeatureSet(features, labels);
        try
        {
            classifier.eval();
            var clock = Stopwatch.StartNew();
            var lastReport = TimeSpan.Zero;
            var total = (long)key.Views * images.Count;
            var indices = Enumerable.Range(0, images.Count).ToArray();
            for (var view = 0; view < key.Views; view++)
            {
                var random = new Random(ViewSeed(key.Seed ?? 0, view));
                for (var start = 0; start < images.Count; start += batchSize)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var count = Math.Min(batchSize, images.Count - start);
                    using (NewDisposeScope())
                    {
                        var pixels = ImageBatch.Pixels(images, indices.AsSpan(start, count), classifier.Device);
                        if (view > 0)
                            pixels = augmentation.Apply(pixels, random);
                        features[view].narrow(0, start, count).copy_(classifier.Features(pixels).to(ScalarType.Float32));
                    }
                    LibTorchMemory.ReleaseUnreachableTensors();
                    if (view == 0 && start < images.Count / 2 && start + count >= images.Count / 2)
                        Failpoints.Hit(Failpoints.TrainerMidFeatures);
                    if (clock.Elapsed - lastReport >= ProgressInterval)
                    {
                        lastReport = clock.Elapsed;
                        var done = (long)view * images.Count + start + count;
                        logger.LogInformation("Features of the {Split} split: {Done}/{Total} image views, {ImagesPerSecond:F1} img/s",
                            key.Split, done, total, done / clock.Elapsed.TotalSeconds);
                    }
                }
            }
            logger.LogInformation("Features of the {Split} split: {Total} image views ({Views} view(s) per image) in {Seconds:F1} s, {ImagesPerSecond:F1} img/s",
                key.Split, total, key.Views, clock.Elapsed.TotalSeconds, total / clock.Elapsed.TotalSeconds);
            return set;
        }
        catch
        {
            set.Dispose();
            throw;
        }
    }

    /// <summary>A constant apart from the epochs' (seed * 1_000_003 + epoch), so no view replays an epoch's shuffle.</summary>
    private static int ViewSeed(int seed, int view) => unchecked(seed * 1_000_033 + 7_919 * view + 17);
}
