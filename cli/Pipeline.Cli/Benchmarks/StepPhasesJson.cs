namespace Pipeline.Cli.Benchmarks;

/// <summary>
/// Mean milliseconds per step in each part of a training step: the forward pass with the loss; zero_grad with backward;
/// Adam's update; reading the loss and the correct count back (and, on our side, the .NET collection that frees the step's tensors).
/// </summary>
public sealed record StepPhasesJson(double Forward, double Backward, double Optimizer, double Release)
{
    /// <summary>Each phase's median over rounds, so that one disturbed round does not decide it.</summary>
    public static StepPhasesJson Median(IReadOnlyList<StepPhasesJson> rounds) => new(
        Statistics.Median([.. rounds.Select(round => round.Forward)]), Statistics.Median([.. rounds.Select(round => round.Backward)]),
        Statistics.Median([.. rounds.Select(round => round.Optimizer)]), Statistics.Median([.. rounds.Select(round => round.Release)]));
}
