namespace Pipeline.Contracts;

/// <summary>Command to the evaluator: score a trial's model on the test split and write its report.</summary>
public sealed record EvaluateModel(Guid RunId, string TrialId, EvaluationSpec Evaluation, int Seed, string ManifestKey, string ModelKey, string HistoryKey);
