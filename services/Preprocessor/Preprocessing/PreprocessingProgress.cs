namespace Pipeline.Preprocessor.Preprocessing;

/// <summary>Images decoded so far out of all candidate image files of the dataset.</summary>
public readonly record struct PreprocessingProgress(int Processed, int Total);
