namespace Pipeline.Contracts;

/// <summary>A run reached a final state (Completed, Failed or Cancelled).</summary>
/// <param name="TestAccuracy">The best trial's test accuracy (0..1), when one was evaluated.</param>
/// <param name="ReportKey">The best trial's report page.</param>
/// <param name="Trials">Every trial and how it ended.</param>
/// <param name="ComputeSeconds">Seconds each stage (preprocess, train, evaluate) computed for the run, summed over its trials; a stage whose
/// worker did not say is missing.</param>
/// <param name="SummaryKey">The run-level <c>summary.json</c>, written when at least one trial was evaluated.</param>
public sealed record RunCompleted(
    Guid RunId,
    RunState State,
    double? TestAccuracy,
    string? ReportKey,
    string? Error,
    IReadOnlyList<TrialOutcome> Trials,
    string? SummaryKey,
    string? BestTrialId,
    IReadOnlyDictionary<string, double>? ComputeSeconds = null);
