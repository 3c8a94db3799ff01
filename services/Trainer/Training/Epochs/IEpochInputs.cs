using static TorchSharp.torch;

namespace Pipeline.Trainer.Training.Epochs;

/// <summary>What an epoch trains and validates on: images through the whole classifier, or cached features through its head.</summary>
internal interface IEpochInputs : IDisposable
{
    /// <summary>Training examples (images, not views).</summary>
    int Count { get; }

    /// <summary>
    /// The epoch's training batches, in the order drawn from <paramref name="random"/> (the epoch's stream, also used for
    /// augmentation and view choice) when called. Each batch is its forward pass, run inside the caller's dispose scope.
    /// </summary>
    IEnumerable<Func<(Tensor Logits, Tensor Labels)>> TrainingBatches(Random random, CancellationToken cancellationToken);

    (double Loss, double Accuracy) Validate(CancellationToken cancellationToken);
}
