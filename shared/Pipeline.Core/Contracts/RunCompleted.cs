namespace Pipeline.Contracts;

/// <summary>A run reached a final state (Completed, Failed or Cancelled).</summary>
public sealed record RunCompleted(Guid RunId, RunState State, double? TestAccuracy, string? ReportKey, string? Error);
