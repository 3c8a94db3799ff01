namespace Pipeline.Trainer.Training.Optimization;

/// <summary>The parts of a <see cref="TrainingStep"/> that `bench step` times separately.</summary>
public enum StepPhase
{
    /// <summary>The forward pass and the loss.</summary>
    Forward,

    /// <summary>Zeroing the gradients and the backward pass.</summary>
    Backward,

    /// <summary>Adam's update.</summary>
    Optimizer,

    /// <summary>Reading the loss back and releasing the step's tensors (a .NET collection).</summary>
    Release,
}
