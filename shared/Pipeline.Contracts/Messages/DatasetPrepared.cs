namespace Pipeline.Contracts;

/// <summary>The dataset is sharded; <paramref name="ManifestKey"/> names its manifest in the object store.</summary>
/// <param name="IgnoredFolders">Top-level folders that were not taken as classes, by name, so that the user sees them.</param>
/// <param name="ComputeSeconds">Seconds the preprocessor worked on this command (null from a sender older than the field).</param>
public sealed record DatasetPrepared(
    Guid RunId,
    string ManifestKey,
    string Fingerprint,
    int Classes,
    int TrainImages,
    int ValidationImages,
    int TestImages,
    int Quarantined,
    bool FromCache,
    IReadOnlyDictionary<string, string> Versions,
    IReadOnlyList<IgnoredFolder>? IgnoredFolders = null,
    double? ComputeSeconds = null);
