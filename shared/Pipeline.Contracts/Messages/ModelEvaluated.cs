namespace Pipeline.Contracts;

/// <summary>The evaluator wrote a trial's metrics and report.</summary>
public sealed record ModelEvaluated(Guid RunId, string TrialId, string MetricsKey, string ReportKey, double TestAccuracy);
