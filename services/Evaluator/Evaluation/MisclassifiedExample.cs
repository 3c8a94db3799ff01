namespace Pipeline.Evaluator.Evaluation;

/// <param name="RelativePath">Source path relative to the dataset root.</param>
/// <param name="Confidence">Probability (0..1) the model gave its (wrong) prediction.</param>
/// <param name="ThumbnailPng">A small PNG of the image, made by the caller.</param>
public sealed record MisclassifiedExample(string RelativePath, string TrueClass, string PredictedClass, double Confidence, byte[] ThumbnailPng);
