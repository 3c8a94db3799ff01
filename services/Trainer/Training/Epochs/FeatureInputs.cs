using Pipeline.ModelZoo.Classification;
using Pipeline.Trainer.Training.Features;
using static TorchSharp.torch;

namespace Pipeline.Trainer.Training.Epochs;

/// <summary>
/// The cached path: epochs train the head alone on features computed once, streamed from the store a window of chunks at a
/// time in the same order the exact path streams shards. Each image of a batch takes one of its views, drawn from the
/// epoch's random stream: every batch mixes plain and augmented views and each epoch a different mix, which is closest to
/// the exact path's fresh augmentation; being drawn from (seed, epoch), a resumed trial draws the same. Each batch moves
/// to the classifier's device.
/// </summary>
internal sealed class FeatureInputs(ImageClassifier classifier, StoredFeatures train, StoredFeatures validation, int batchSize) : IEpochInputs
{
    public int Count => train.Count;

    public IEnumerable<Func<(Tensor Logits, Tensor Labels)>> TrainingBatches(Random random, CancellationToken cancellationToken) =>
        train.Batches(batchSize, random, cancellationToken).Select(batch => (Func<(Tensor, Tensor)>)(() =>
        {
            var (features, labels) = FeatureBatch.Of(batch, () => train.Views == 1 ? 0 : random.Next(train.Views), classifier.Device);
            return (classifier.Classify(features), labels);
        }));

    public (double Loss, double Accuracy) Validate(CancellationToken cancellationToken)
    {
        classifier.eval();
        var scores = new Scores();
        foreach (var batch in validation.Batches(batchSize, shuffle: null, cancellationToken))
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var (features, labels) = FeatureBatch.Of(batch, () => 0, classifier.Device);
            scores.Add(classifier.Classify(features), labels);
        }
        return scores.Result;
    }

    /// <summary>Nothing to free: chunks and batches live in managed memory.</summary>
    public void Dispose()
    {
    }
}
