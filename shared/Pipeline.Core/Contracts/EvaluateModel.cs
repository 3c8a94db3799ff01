using Pipeline.Runs;

namespace Pipeline.Contracts;

/// <summary>Command to the evaluator: score a trained model on the test split and write the report.</summary>
public sealed record EvaluateModel(Guid RunId, string TrialId, RunSpec Spec, string ManifestKey, string ModelKey, string HistoryKey);
