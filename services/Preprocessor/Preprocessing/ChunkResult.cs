using Pipeline.Datasets;

namespace Pipeline.Preprocessor.Preprocessing;

/// <summary>
/// What one chunk of a <see cref="DatasetPlan"/> produced: per split, its usable images (shards, class counts, paths),
/// and the chunk's quarantined files. Stored at <c>prepared/&lt;fingerprint&gt;/chunks/chunk-NNNNN.json</c> after its
/// shards, so its presence means the chunk is done; holds nothing that differs between two preparations of the chunk.
/// </summary>
public sealed record ChunkResult
{
    public const int CurrentSchemaVersion = 1;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;
    public required string Fingerprint { get; init; }
    public required int Chunk { get; init; }

    /// <summary>Keyed by <see cref="DatasetSplits"/> names; every split is present, possibly empty.</summary>
    public required IReadOnlyDictionary<string, SplitManifest> Splits { get; init; }

    public required IReadOnlyList<QuarantinedFile> Quarantine { get; init; }

    public int Usable => Splits.Values.Sum(split => split.Count);
}
