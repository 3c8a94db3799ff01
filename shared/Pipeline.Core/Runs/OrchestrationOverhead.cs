using Pipeline.Contracts;

namespace Pipeline.Runs;

/// <summary>
/// Orchestration overhead: the share of wall time that no stage spent computing, relative to the compute,
/// (wall − compute) / compute. 0.05 means the runs took 5 % longer than their stages computed.
/// </summary>
public static class OrchestrationOverhead
{
    /// <summary>One run: its wall time from submission to completion against the sum of its stages' compute.</summary>
    /// <returns>Null when no compute was reported (nothing to relate the wall time to).</returns>
    public static double? Of(double wallSeconds, double computeSeconds) =>
        computeSeconds > 0 ? (wallSeconds - computeSeconds) / computeSeconds : null;

    /// <summary>
    /// A batch of runs shared by <paramref name="trainers"/> workers that run side by side: its wall time (first
    /// submission to last completion) against the compute of all its runs divided by the trainers, the wall time the
    /// batch would take if the compute were spread evenly and nothing else took time.
    /// </summary>
    public static double? OfBatch(double wallSeconds, double computeSeconds, int trainers)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(trainers, 1);
        return Of(wallSeconds, computeSeconds / trainers);
    }

    /// <summary>
    /// The least wall time a batch of runs needs when every stage costs what it reported: the longest preparation
    /// (the runs share one dataset, which one of them prepares), the trainings spread evenly over the trainers, and the
    /// evaluation of the run that completed last (earlier evaluations overlap later trainings). Unlike the summed
    /// compute, this is a bound the batch can only exceed, so its overhead is never below zero but for noise.
    /// </summary>
    /// <param name="runsInCompletionOrder">Each run's compute seconds by stage (<see cref="Stages"/>), first completed first.</param>
    public static double CriticalPathSeconds(IReadOnlyList<IReadOnlyDictionary<string, double>> runsInCompletionOrder, int trainers)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(trainers, 1);
        if (runsInCompletionOrder.Count == 0)
            return 0;
        static double Stage(IReadOnlyDictionary<string, double> run, string stage) => run.GetValueOrDefault(stage);
        return runsInCompletionOrder.Max(run => Stage(run, Stages.Preprocess))
            + runsInCompletionOrder.Sum(run => Stage(run, Stages.Train)) / trainers
            + Stage(runsInCompletionOrder[^1], Stages.Evaluate);
    }
}
