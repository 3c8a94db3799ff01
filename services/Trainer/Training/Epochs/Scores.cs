using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Pipeline.Trainer.Training.Epochs;

internal static class Scores
{
    /// <summary>Mean cross-entropy and accuracy of a whole split's logits.</summary>
    public static (double Loss, double Accuracy) Of(Tensor logits, Tensor labels) =>
        (functional.cross_entropy(logits, labels).item<float>(), logits.argmax(1).eq(labels).sum().item<long>() / (double)labels.shape[0]);
}
