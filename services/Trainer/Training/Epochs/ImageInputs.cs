using Pipeline.Contracts;
using Pipeline.Datasets.Streaming;
using Pipeline.ModelZoo;
using Pipeline.ModelZoo.Classification;
using static TorchSharp.torch;

namespace Pipeline.Trainer.Training.Epochs;

/// <summary>
/// The exact path: every epoch streams the training shards (a shuffled window at a time) and runs freshly augmented
/// images through the whole classifier on its device (finetune, partial, or transfer with --exact).
/// </summary>
internal sealed class ImageInputs(ImageClassifier classifier, RandomRotationFlip augmentation, SplitStream train, SplitStream validation, int batchSize)
    : IEpochInputs
{
    /// <summary>A frozen backbone maps un-augmented validation images to the same features every epoch: compute them once (a float row per image).</summary>
    private (Tensor Features, Tensor Labels)? _validationFeatures;

    public int Count => train.Count;

    public IEnumerable<Func<(Tensor Logits, Tensor Labels)>> TrainingBatches(Random random, CancellationToken cancellationToken) =>
        train.Batches(batchSize, random, cancellationToken).Select(batch => (Func<(Tensor, Tensor)>)(() =>
            (classifier.call(augmentation.Apply(ImageBatch.Pixels(batch, classifier.Device), random)), ImageBatch.Labels(batch, classifier.Device))));

    public (double Loss, double Accuracy) Validate(CancellationToken cancellationToken)
    {
        classifier.eval();
        using var noGrad = no_grad();
        if (classifier.Mode == TrainingMode.Transfer)
        {
            _validationFeatures ??= ValidationFeatures(cancellationToken);
            using var scope = NewDisposeScope();
            var (features, labels) = _validationFeatures.Value;
            return new Scores().Add(classifier.Classify(features), labels).Result;
        }
        var scores = new Scores();
        foreach (var batch in validation.Batches(batchSize, shuffle: null, cancellationToken))
        {
            using (NewDisposeScope())
                scores.Add(classifier.call(ImageBatch.Pixels(batch, classifier.Device)), ImageBatch.Labels(batch, classifier.Device));
            LibTorchMemory.ReleaseUnreachableTensors();
        }
        return scores.Result;
    }

    private (Tensor Features, Tensor Labels) ValidationFeatures(CancellationToken cancellationToken)
    {
        var features = new List<Tensor>();
        var labels = new List<Tensor>();
        using var scope = NewDisposeScope();
        foreach (var batch in validation.Batches(batchSize, shuffle: null, cancellationToken))
        {
            features.Add(classifier.Features(ImageBatch.Pixels(batch, classifier.Device)));
            labels.Add(ImageBatch.Labels(batch, classifier.Device));
            LibTorchMemory.ReleaseUnreachableTensors();
        }
        return (cat(features, 0).DetachFromDisposeScope(), cat(labels, 0).DetachFromDisposeScope());
    }

    public void Dispose()
    {
        _validationFeatures?.Features.Dispose();
        _validationFeatures?.Labels.Dispose();
    }
}
