using Pipeline.Datasets;

namespace Pipeline.Preprocessor.Preprocessing;

/// <summary>A dataset ready for training: its manifest, where the manifest lives, and whether an earlier run had already made it.</summary>
public sealed record PreparedDataset(DatasetManifest Manifest, string ManifestKey, bool FromCache);
