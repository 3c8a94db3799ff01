using Pipeline.Contracts;
using Pipeline.Datasets;
using Pipeline.ModelZoo;
using Pipeline.ModelZoo.Classification;
using static TorchSharp.torch;

namespace Pipeline.Trainer.Training.Epochs;

/// <summary>The exact path: every epoch runs freshly augmented images through the whole classifier (finetune, partial, or transfer with --exact), on its device.</summary>
internal sealed class ImageInputs(ImageClassifier classifier, RandomRotationFlip augmentation, SplitImages train, SplitImages validation, int batchSize)
    : IEpochInputs
{
    /// <summary>A frozen backbone maps un-augmented validation images to the same features every epoch: compute them once.</summary>
    private Tensor? _validationFeatures;

    public int Count => train.Count;

    public (Tensor Logits, Tensor Labels) Forward(ReadOnlySpan<int> batch, Random random) =>
        (classifier.call(augmentation.Apply(ImageBatch.Pixels(train, batch, classifier.Device), random)), ImageBatch.Labels(train, batch, classifier.Device));

    public (double Loss, double Accuracy) Validate(CancellationToken cancellationToken)
    {
        classifier.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var all = Enumerable.Range(0, validation.Count).ToArray();
        var labels = ImageBatch.Labels(validation, all, classifier.Device);
        Tensor logits;
        if (classifier.Mode == TrainingMode.Transfer)
        {
            _validationFeatures ??= Batched(all, batch => classifier.Features(ImageBatch.Pixels(validation, batch, classifier.Device)), cancellationToken).DetachFromDisposeScope();
            logits = classifier.Classify(_validationFeatures);
        }
        else
            logits = Batched(all, batch => classifier.call(ImageBatch.Pixels(validation, batch, classifier.Device)), cancellationToken);
        return Scores.Of(logits, labels);
    }

    private Tensor Batched(int[] indices, Func<int[], Tensor> forward, CancellationToken cancellationToken)
    {
        var outputs = new List<Tensor>();
        foreach (var batch in indices.Chunk(batchSize))
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            outputs.Add(scope.MoveToOuter(forward(batch)));
            LibTorchMemory.ReleaseUnreachableTensors();
        }
        return cat(outputs, 0);
    }

    public void Dispose() => _validationFeatures?.Dispose();
}
