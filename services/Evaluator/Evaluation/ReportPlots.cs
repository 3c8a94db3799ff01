namespace Pipeline.Evaluator.Evaluation;

/// <summary>The report's plots as PNG bytes; no curves without a training history, no reliability diagram without probabilities.</summary>
internal sealed record ReportPlots(byte[]? CurvesPng, byte[] ConfusionPng, byte[] F1Png, byte[]? ReliabilityPng);
