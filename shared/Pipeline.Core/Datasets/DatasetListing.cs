namespace Pipeline.Datasets;

/// <summary>What a dataset holds: classes (label = index), candidate images in (label, path) order, and what was left out.</summary>
public sealed record DatasetListing(string Name, IReadOnlyList<string> Classes, IReadOnlyList<DatasetFile> Files, SkippedFiles Skipped);
