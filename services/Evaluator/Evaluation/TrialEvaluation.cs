namespace Pipeline.Evaluator.Evaluation;

/// <summary>Where a trial's metrics and report were written, and its test accuracy (0..1).</summary>
public sealed record TrialEvaluation(string MetricsKey, string ReportKey, double TestAccuracy);
