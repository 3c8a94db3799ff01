namespace Pipeline.Contracts;

/// <summary>How one trial of a run ended; <paramref name="ReportKey"/> is its report page when it was evaluated.</summary>
public sealed record TrialOutcome(string TrialId, RunState State, double? TestAccuracy, string? ReportKey);
