using System.Diagnostics;
using Pipeline.ModelZoo;
using Pipeline.ModelZoo.Classification;
using Pipeline.Runs;
using Pipeline.Trainer.Training.Optimization;
using static TorchSharp.torch;

namespace Pipeline.Trainer.Training.Epochs;

/// <summary>The synchronous part of an epoch: the schedule's learning rate, shuffled training batches from <paramref name="inputs"/>, then validation.</summary>
internal sealed class EpochRunner(ImageClassifier classifier, TrainingOptimizer optimizer, TrainingLoss loss, IEpochInputs inputs, int batchSize)
{
    public EpochRecord Run(int epoch, int seed, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        optimizer.StartEpoch(epoch);
        // One stream per (seed, epoch) (not HashCode.Combine: that is salted per process): a resumed trial shuffles and augments epoch k exactly as an uninterrupted one.
        var random = new Random(unchecked(seed * 1_000_003 + epoch));
        var order = Enumerable.Range(0, inputs.Count).ToArray();
        random.Shuffle(order);
        classifier.train();
        double lossSum = 0;
        long correct = 0;
        for (var start = 0; start < order.Length; start += batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var batch = order.AsSpan(start, Math.Min(batchSize, order.Length - start));
            using (NewDisposeScope())
            {
                var (logits, labels) = inputs.Forward(batch, random);
                var batchLoss = loss.Of(logits, labels);
                optimizer.Adam.zero_grad();
                batchLoss.backward();
                optimizer.Adam.step();
                lossSum += batchLoss.item<float>() * batch.Length;
                correct += logits.argmax(1).eq(labels).sum().item<long>();
            }
            LibTorchMemory.ReleaseUnreachableTensors();
        }
        var trainSeconds = clock.Elapsed.TotalSeconds;
        var (validationLoss, validationAccuracy) = inputs.Validate(cancellationToken);
        return new EpochRecord(epoch, lossSum / inputs.Count, (double)correct / inputs.Count, validationLoss, validationAccuracy,
            inputs.Count / trainSeconds, clock.Elapsed.TotalSeconds);
    }
}
