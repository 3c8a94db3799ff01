using Pipeline.ModelZoo.Classification;
using Pipeline.Trainer.Training.Features;
using static TorchSharp.torch;

namespace Pipeline.Trainer.Training.Epochs;

/// <summary>
/// The cached path: epochs train the head alone on features computed once. Each image of a batch takes one of its views,
/// drawn from the epoch's random stream: every batch mixes plain and augmented views and each epoch a different mix,
/// which is closest to the exact path's fresh augmentation; being drawn from (seed, epoch), a resumed trial draws the same.
/// Features stay where they were read; each batch moves to the classifier's device.
/// </summary>
internal sealed class FeatureInputs(ImageClassifier classifier, FeatureSet train, FeatureSet validation) : IEpochInputs
{
    public int Count => train.Count;

    public (Tensor Logits, Tensor Labels) Forward(ReadOnlySpan<int> batch, Random random)
    {
        var rows = new long[batch.Length];
        var images = new long[batch.Length];
        for (var i = 0; i < batch.Length; i++)
        {
            var view = train.Views == 1 ? 0 : random.Next(train.Views);
            rows[i] = (long)view * train.Count + batch[i];
            images[i] = batch[i];
        }
        var device = classifier.Device;
        return (classifier.Classify(train.Rows(rows).to(device)), train.Labels.index_select(0, tensor(images)).to(device));
    }

    public (double Loss, double Accuracy) Validate(CancellationToken cancellationToken)
    {
        classifier.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var device = classifier.Device;
        return Scores.Of(classifier.Classify(validation.Features[0].to(device)), validation.Labels.to(device));
    }

    public void Dispose()
    {
        train.Dispose();
        validation.Dispose();
    }
}
