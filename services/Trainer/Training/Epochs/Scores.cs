using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Pipeline.Trainer.Training.Epochs;

/// <summary>Mean cross-entropy and accuracy of a split, added up a batch at a time.</summary>
internal sealed class Scores
{
    private double _lossSum;
    private long _correct;
    private long _count;

    public (double Loss, double Accuracy) Result => (_lossSum / _count, _correct / (double)_count);

    public Scores Add(Tensor logits, Tensor labels)
    {
        _lossSum += functional.cross_entropy(logits, labels, reduction: Reduction.Sum).item<float>();
        _correct += logits.argmax(1).eq(labels).sum().item<long>();
        _count += labels.shape[0];
        return this;
    }
}
