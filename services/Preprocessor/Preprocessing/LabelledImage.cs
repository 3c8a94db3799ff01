namespace Pipeline.Preprocessor.Preprocessing;

/// <summary>An image to split: its path relative to the dataset root, its label, and optionally its content hash.</summary>
/// <param name="Content">Images with the same content always land in the same split; null orders by path alone.</param>
public readonly record struct LabelledImage(string RelativePath, int Label, string? Content = null);
