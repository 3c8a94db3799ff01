namespace Pipeline.Evaluator.Evaluation;

/// <param name="Support">Number of samples whose true class this is.</param>
/// <param name="MostFrequentConfusion">Null when no sample of the class was misclassified (or it has none).</param>
public sealed record ClassMetrics(string Class, double Precision, double Recall, double F1, int Support, ClassConfusion? MostFrequentConfusion = null);
