namespace Pipeline.Preprocessor.Preprocessing;

/// <summary>An image to split: its path relative to the dataset root and its label.</summary>
public readonly record struct LabelledImage(string RelativePath, int Label);
