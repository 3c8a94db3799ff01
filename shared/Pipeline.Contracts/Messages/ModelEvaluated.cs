namespace Pipeline.Contracts;

/// <summary>The evaluator wrote a trial's metrics and report.</summary>
/// <param name="ComputeSeconds">Seconds the evaluator worked on this command (null from a sender older than the field).</param>
public sealed record ModelEvaluated(Guid RunId, string TrialId, string MetricsKey, string ReportKey, double TestAccuracy, double? ComputeSeconds = null);
