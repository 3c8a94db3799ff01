using System.Diagnostics;
using Pipeline.ModelZoo.Classification;
using Pipeline.Runs;
using Pipeline.Telemetry;
using Pipeline.Trainer.Training.Optimization;

namespace Pipeline.Trainer.Training.Epochs;

/// <summary>The synchronous part of an epoch: the schedule's learning rate, shuffled training batches from <paramref name="inputs"/>, then validation.</summary>
internal sealed class EpochRunner(ImageClassifier classifier, TrainingOptimizer optimizer, TrainingLoss loss, IEpochInputs inputs)
{
    private readonly TrainingStep _step = new(optimizer, loss);

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
            var (batchLoss, batchCorrect) = _step.Take(forward);
            lossSum += batchLoss;
            correct += batchCorrect;
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
