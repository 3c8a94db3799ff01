namespace Pipeline.Cli.Bench;

/// <summary>What one configuration did with the batch of runs; only the name, shape and error when it could not run.</summary>
/// <param name="WallSeconds">The batch: from the first submission to the last completion.</param>
/// <param name="ComputeSeconds">Stage compute of all runs together.</param>
/// <param name="IdealSeconds"><paramref name="ComputeSeconds"/> divided by the trainers: the batch's wall time if nothing but compute took time.</param>
/// <param name="Overhead">The batch's: (wall − ideal) / ideal. Below zero when stages of different runs overlap.</param>
/// <param name="CriticalPathSeconds">The least wall time the batch needs given its stages' compute (see <see cref="Pipeline.Runs.OrchestrationOverhead.CriticalPathSeconds"/>).</param>
/// <param name="CriticalPathOverhead">(wall − critical path) / critical path: what orchestration added; the figure the 5 % target is about.</param>
/// <param name="CpuSeconds">CPU (user + system) each process used while it lived: the pipeline's processes, the broker and the store.</param>
/// <param name="StoreObjects">Files in s3rver's data folder afterwards (the objects and s3rver's metadata files); null in embedded mode.</param>
public sealed record ConfigurationMeasurement(
    string Name,
    string Mode,
    int Trainers,
    int ThreadsPerTrainer,
    double? WallSeconds,
    double? ComputeSeconds,
    double? IdealSeconds,
    double? Overhead,
    double? CriticalPathSeconds,
    double? CriticalPathOverhead,
    double? MeanRunWallSeconds,
    IReadOnlyList<RunMeasurement> Runs,
    IReadOnlyDictionary<string, double> CpuSeconds,
    int? StoreObjects,
    long? StoreBytes,
    string? Error)
{
    public static ConfigurationMeasurement Failed(BenchConfiguration configuration, string error) =>
        new(configuration.Name, configuration.Mode, configuration.Trainers, configuration.ThreadsPerTrainer, null, null, null, null, null, null, null, [],
            new Dictionary<string, double>(), null, null, error);
}
