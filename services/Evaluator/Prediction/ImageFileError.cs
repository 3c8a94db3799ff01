namespace Pipeline.Evaluator.Prediction;

/// <summary>A file that could not be classified, and why, in words for the user.</summary>
public sealed record ImageFileError(string Path, string Error);
