namespace Pipeline.Contracts;

/// <summary>The evaluator wrote metrics and a report for a trial.</summary>
public sealed record ModelEvaluated(Guid RunId, string TrialId, string MetricsKey, string ReportKey, double TestAccuracy);
