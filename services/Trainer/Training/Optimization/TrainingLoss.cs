using Pipeline.Contracts;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Pipeline.Trainer.Training.Optimization;

/// <summary>
/// The training loss: cross-entropy with <see cref="TrainingSpec.LabelSmoothing"/> and, with
/// <see cref="ClassWeighting.Balanced"/>, per-class weights (PyTorch's semantics: the batch's mean is weighted by the
/// weights of its labels). Validation loss stays plain cross-entropy, so that it compares across these settings.
/// </summary>
public sealed class TrainingLoss : IDisposable
{
    private readonly Tensor? _classWeights;
    private readonly double _labelSmoothing;

    /// <param name="trainClassCounts">Images per class in the training split, indexed by label.</param>
    public TrainingLoss(TrainingSpec spec, IReadOnlyList<int> trainClassCounts, Device device)
    {
        _labelSmoothing = spec.LabelSmoothing;
        if (spec.ClassWeights == ClassWeighting.Balanced)
            _classWeights = tensor(BalancedWeights(trainClassCounts), device: device);
    }

    /// <summary>
    /// total / (classes x count) per class, as scikit-learn's "balanced" (classes: those with training images): every
    /// class then carries the same total weight, and on a balanced split every weight is 1. A class without training
    /// images gets 0 (no label ever uses it).
    /// </summary>
    public static float[] BalancedWeights(IReadOnlyList<int> classCounts)
    {
        var total = (double)classCounts.Sum();
        var classes = classCounts.Count(count => count > 0);
        return [.. classCounts.Select(count => count == 0 ? 0f : (float)(total / (classes * count)))];
    }

    public Tensor Of(Tensor logits, Tensor labels) =>
        functional.cross_entropy(logits, labels, _classWeights, label_smoothing: _labelSmoothing);

    public void Dispose() => _classWeights?.Dispose();
}
