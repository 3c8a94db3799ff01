namespace Pipeline.Cli.Benchmarks;

/// <summary>One side's round of `bench step`: each timed step's milliseconds, and each phase's mean milliseconds per step.</summary>
public sealed record StepRound(IReadOnlyList<double> MsPerStep, StepPhasesJson PhasesMs);
