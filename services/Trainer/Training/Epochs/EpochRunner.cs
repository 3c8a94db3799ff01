using System.Diagnostics;
using Pipeline.ModelZoo;
using Pipeline.ModelZoo.Classification;
using Pipeline.Runs;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Pipeline.Trainer.Training.Epochs;

/// <summary>The synchronous part of an epoch: shuffled training batches from <paramref name="inputs"/>, then validation.</summary>
internal sealed class EpochRunner(ImageClassifier classifier, Adam optimizer, IEpochInputs inputs)
{
    public EpochRecord Run(int epoch, int seed, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        // One stream per (seed, epoch) (not HashCode.Combine: that is salted per process): a resumed trial shuffles and augments epoch k exactly as an uninterrupted one.
        var random = new Random(unchecked(seed * 1_000_003 + epoch));
        classifier.train();
        double lossSum = 0;
        long correct = 0;
        foreach (var forward in inputs.TrainingBatches(random, cancellationToken))
        {
            cancellationToken.ThrowIfCancellationRequested();
            using (NewDisposeScope())
            {
                var (logits, labels) = forward();
                var loss = functional.cross_entropy(logits, labels);
                optimizer.zero_grad();
                loss.backward();
                optimizer.step();
                lossSum += loss.item<float>() * labels.shape[0];
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
