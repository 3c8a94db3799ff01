namespace Pipeline.Evaluator.Evaluation;

public sealed record AveragedMetrics(double Precision, double Recall, double F1);
