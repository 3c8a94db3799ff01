namespace Pipeline.Cli.Bench;

/// <summary>`bench cluster --json` when the benchmark could not run: what to do about it.</summary>
public sealed record BenchFailure(int SchemaVersion, string Error);
