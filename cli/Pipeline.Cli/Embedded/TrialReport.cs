using Pipeline.Contracts;

namespace Pipeline.Cli.Embedded;

/// <summary>How one trial ended; <paramref name="ReportDir"/> is its report folder on this machine when it was evaluated.</summary>
public sealed record TrialReport(string TrialId, RunState State, double? TestAccuracy, string? ReportDir);
