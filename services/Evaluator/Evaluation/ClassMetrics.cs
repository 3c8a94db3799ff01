namespace Pipeline.Evaluator.Evaluation;

/// <param name="Support">Number of samples whose true class this is.</param>
public sealed record ClassMetrics(string Class, double Precision, double Recall, double F1, int Support);
