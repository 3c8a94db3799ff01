using Pipeline.Datasets;

namespace Pipeline.Preprocessor.Preprocessing;

/// <summary>A dataset ready for training: its manifest, where the manifest lives, and whether an earlier run had already made it.</summary>
/// <param name="Times">Where the time went, when this call prepared it (null when it came from the cache).</param>
public sealed record PreparedDataset(DatasetManifest Manifest, string ManifestKey, bool FromCache, PreparationTimes? Times = null);
