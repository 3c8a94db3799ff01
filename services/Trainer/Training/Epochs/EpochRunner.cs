using System.Diagnostics;
using Pipeline.ModelZoo;
using Pipeline.ModelZoo.Classification;
using Pipeline.Runs;
using Pipeline.Telemetry;
using Pipeline.Trainer.Training.Optimization;
using static TorchSharp.torch;

namespace Pipeline.Trainer.Training.Epochs;

/// <summary>The synchronous part of an epoch: the schedule's learning rate, shuffled training batches from <paramref name="inputs"/>, then validation.</summary>
internal sealed class EpochRunner(ImageClassifier classifier, TrainingOptimizer optimizer, TrainingLoss loss, IEpochInputs inputs)
{
    public EpochRecord Run(int epoch, int seed, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        optimizer.StartEpoch(epoch);
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
                var batchLoss = loss.Of(logits, labels);
                optimizer.Adam.zero_grad();
                batchLoss.backward();
                optimizer.Adam.step();
                lossSum += batchLoss.item<float>() * labels.shape[0];
                correct += logits.argmax(1).eq(labels).sum().item<long>();
            }
            LibTorchMemory.ReleaseUnreachableTensors();
        }
        var trainSeconds = clock.Elapsed.TotalSeconds;
        var (validationLoss, validationAccuracy) = Validate(epoch, cancellationToken);
        return new EpochRecord(epoch, lossSum / inputs.Count, (double)correct / inputs.Count, validationLoss, validationAccuracy,
            inputs.Count / trainSeconds, clock.Elapsed.TotalSeconds);
    }

    /// <summary>The validation pass, a span of its own: its time shows apart from training's in the trace.</summary>
    private (double Loss, double Accuracy) Validate(int epoch, CancellationToken cancellationToken)
    {
        using var span = PipelineTelemetry.StartSpan("validation")?.SetTag("pipeline.epoch", epoch);
        var (loss, accuracy) = inputs.Validate(cancellationToken);
        span?.SetTag("pipeline.validation.loss", loss).SetTag("pipeline.validation.accuracy", accuracy);
        return (loss, accuracy);
    }
}
