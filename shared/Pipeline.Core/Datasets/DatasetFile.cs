namespace Pipeline.Datasets;

/// <summary>A candidate image of a dataset.</summary>
/// <param name="RelativePath">Inside the ImageFolder, '/'-separated, starting with the class folder (or the split folder, then the class).</param>
/// <param name="Label">Index of its class in <see cref="DatasetListing.Classes"/>.</param>
/// <param name="Sha256">The content's hash (lower-case hex): what the fingerprint and duplicate detection go by.</param>
/// <param name="Split">The split it came in (a <see cref="DatasetSplits"/> name) when the dataset comes split; null when the pipeline splits.</param>
public sealed record DatasetFile(string RelativePath, int Label, long Size, string Sha256, string? Split = null);
