using Pipeline.Contracts;

namespace Pipeline.Trainer.Training.Optimization;

public static class LearningRateSchedules
{
    /// <summary>
    /// The share of the base learning rate used in <paramref name="epoch"/> (1 to <paramref name="epochs"/>). Cosine
    /// annealing, stepped per epoch as PyTorch's CosineAnnealingLR with T_max = epochs and eta_min = 0:
    /// (1 + cos(π (epoch - 1) / epochs)) / 2, so epoch 1 trains at the full rate and the last one at a small one, never zero.
    /// </summary>
    public static double Factor(LearningRateSchedule schedule, int epoch, int epochs) => schedule switch
    {
        LearningRateSchedule.Cosine => (1 + Math.Cos(Math.PI * (epoch - 1) / epochs)) / 2,
        _ => 1,
    };
}
