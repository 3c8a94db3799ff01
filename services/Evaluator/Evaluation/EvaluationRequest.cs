using Pipeline.Contracts;

namespace Pipeline.Evaluator.Evaluation;

/// <summary>One trial's model to score on the test split of its dataset.</summary>
public sealed record EvaluationRequest(Guid RunId, string TrialId, EvaluationSpec Evaluation, string ManifestKey, string ModelKey, string HistoryKey);
