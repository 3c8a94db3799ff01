using Pipeline.Contracts;

namespace Pipeline.Cli.Bench;

/// <summary>One run of a configuration: wall time from its submission to its completion, and what its stages computed.</summary>
/// <param name="ComputeSeconds">Each stage's compute (preprocess, train, evaluate) as its worker reported it.</param>
/// <param name="Overhead">(wall − compute) / compute; in a queued batch the wall includes the wait for a trainer.</param>
public sealed record RunMeasurement(
    Guid RunId,
    RunState State,
    double WallSeconds,
    IReadOnlyDictionary<string, double> ComputeSeconds,
    double ComputeTotalSeconds,
    double? Overhead,
    string? Error);
