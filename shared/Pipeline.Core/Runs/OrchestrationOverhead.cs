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
}
