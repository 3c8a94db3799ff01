using Pipeline.Contracts;

namespace Pipeline.Cli.Benchmarks;

/// <summary>What `bench step` times, the same on both sides: the model, the batch, libtorch's threads and the step counts of one round.</summary>
/// <param name="Threads">Intra-op threads; <paramref name="InteropThreads"/>: inter-op threads.</param>
/// <param name="Warmup">Untimed steps before the timed ones, in every round.</param>
public sealed record StepSettings(string Backbone, TrainingMode Mode, int BatchSize, int ImageSize, int Classes, int Threads, int InteropThreads,
    int Steps, int Warmup, double LearningRate);
