using Pipeline.Contracts;

namespace Pipeline.Cli.Commands;

/// <summary>
/// `bench train --json`: one object on stdout. Seconds are whole trials (feature extraction included on the cached path);
/// images per second count training images times epochs. Fields are only ever added.
/// </summary>
/// <param name="CachedMemory">With --memory: the cached trial's resident set; null otherwise or when the path did not run.</param>
public sealed record TrainBenchJson(int SchemaVersion, string? Backbone, int Epochs, int Views, int? Threads,
    int TrainImages, int ValidationImages, int TestImages,
    double? CachedSeconds, double? ExactSeconds, double? Speedup, double? CachedImagesPerSecond, double? ExactImagesPerSecond,
    double? CachedTestAccuracy, double? ExactTestAccuracy, string? Error,
    TrainingMode? Mode = null, TrainMemoryJson? CachedMemory = null, TrainMemoryJson? ExactMemory = null)
{
    public static TrainBenchJson Rejected(string error) => new(1, null, 0, 0, null, 0, 0, 0, null, null, null, null, null, null, null, error);
}
