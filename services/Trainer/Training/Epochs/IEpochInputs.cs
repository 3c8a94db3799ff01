using static TorchSharp.torch;

namespace Pipeline.Trainer.Training.Epochs;

/// <summary>What an epoch trains and validates on: images through the whole classifier, or cached features through its head.</summary>
internal interface IEpochInputs : IDisposable
{
    /// <summary>Training examples (images, not views).</summary>
    int Count { get; }

    /// <summary>Logits and labels of one training batch; <paramref name="random"/> is the epoch's stream (augmentation, view choice).</summary>
    (Tensor Logits, Tensor Labels) Forward(ReadOnlySpan<int> batch, Random random);

    (double Loss, double Accuracy) Validate(CancellationToken cancellationToken);
}
