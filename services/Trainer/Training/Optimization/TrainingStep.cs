using System.Diagnostics;
using Pipeline.ModelZoo;
using static TorchSharp.torch;

namespace Pipeline.Trainer.Training.Optimization;

/// <summary>
/// One optimisation step on one batch: the forward pass and the loss, zeroed gradients, backward, Adam's update, then the
/// step's unreachable tensors released (<see cref="LibTorchMemory"/>). Shared by the epochs and `bench step`, so that
/// the benchmark times exactly what training runs.
/// </summary>
public sealed class TrainingStep(TrainingOptimizer optimizer, TrainingLoss loss)
{
    /// <param name="forward">The batch's logits and labels, computed inside the step's dispose scope.</param>
    /// <param name="phases">When given, the step adds each phase's time to it.</param>
    /// <returns>The batch's summed loss (mean loss times images) and its correctly classified images.</returns>
    public (double LossSum, long Correct) Take(Func<(Tensor Logits, Tensor Labels)> forward, StepPhases? phases = null)
    {
        var clock = phases is null ? null : Stopwatch.StartNew();
        (double, long) result;
        using (NewDisposeScope())
        {
            var (logits, labels) = forward();
            var batchLoss = loss.Of(logits, labels);
            phases?.Add(StepPhase.Forward, clock!);
            optimizer.Adam.zero_grad();
            batchLoss.backward();
            phases?.Add(StepPhase.Backward, clock!);
            optimizer.Adam.step();
            phases?.Add(StepPhase.Optimizer, clock!);
            result = (batchLoss.item<float>() * labels.shape[0], logits.argmax(1).eq(labels).sum().item<long>());
        }
        LibTorchMemory.ReleaseUnreachableTensors();
        phases?.Add(StepPhase.Release, clock!);
        return result;
    }
}
