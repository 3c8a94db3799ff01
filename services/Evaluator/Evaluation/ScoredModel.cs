namespace Pipeline.Evaluator.Evaluation;

/// <summary>A classifier's scores on labelled images and its most confident mistakes.</summary>
public sealed record ScoredModel(ClassificationMetrics Metrics, IReadOnlyList<MisclassifiedExample> Mistakes);
