namespace Pipeline.Datasets;

/// <summary>A candidate image of a dataset.</summary>
/// <param name="RelativePath">Inside the ImageFolder, '/'-separated, starting with the class folder.</param>
/// <param name="Label">Index of its class in <see cref="DatasetListing.Classes"/>.</param>
/// <param name="Stamp">Changes whenever the content may have changed (a content hash, or size and modification time).</param>
public sealed record DatasetFile(string RelativePath, int Label, long Size, string Stamp);
