namespace Pipeline.Evaluator.Evaluation;

/// <summary>
/// One equal-width bin of top-1 confidence, (<paramref name="Lower"/>, <paramref name="Upper"/>] (the first bin also
/// holds 0): how many predictions fell in it, their mean confidence and the fraction of them that were right.
/// </summary>
/// <param name="Confidence">Mean probability of the predicted class; null for an empty bin.</param>
/// <param name="Accuracy">Fraction (0..1) of the bin's predictions that were right; null for an empty bin.</param>
public sealed record CalibrationBin(double Lower, double Upper, int Count, double? Confidence, double? Accuracy);
