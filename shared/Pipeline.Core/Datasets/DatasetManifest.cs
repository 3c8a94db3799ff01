using Pipeline.Runs;

namespace Pipeline.Datasets;

/// <summary>
/// What the preprocessor produced for one dataset fingerprint: classes, splits with their shards, and
/// the files it skipped or quarantined. Stored at <c>prepared/&lt;fingerprint&gt;/manifest.json</c>.
/// </summary>
public sealed record DatasetManifest
{
    public const int CurrentSchemaVersion = 1;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;
    public required string Fingerprint { get; init; }
    public required string Source { get; init; }
    public required int ImageWidth { get; init; }
    public required int ImageHeight { get; init; }

    /// <summary>Class names in sorted folder-name order; a label is an index into this list.</summary>
    public required IReadOnlyList<string> Classes { get; init; }

    public required int Seed { get; init; }
    public required SplitRatios Split { get; init; }

    /// <summary>Keyed by <see cref="DatasetSplits"/> names.</summary>
    public required IReadOnlyDictionary<string, SplitManifest> Splits { get; init; }

    public required IReadOnlyList<QuarantinedFile> Quarantine { get; init; }
    public required SkippedFiles Skipped { get; init; }
    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;

    public SplitManifest this[string split] =>
        Splits.TryGetValue(split, out var manifest) ? manifest : throw new KeyNotFoundException($"The manifest has no '{split}' split.");
}

/// <param name="Files">Source paths relative to the dataset root, in shard record order.</param>
/// <param name="ClassCounts">Images per class, indexed by label.</param>
public sealed record SplitManifest(int Count, IReadOnlyList<int> ClassCounts, IReadOnlyList<ShardEntry> Shards, IReadOnlyList<string> Files);

public sealed record ShardEntry(string Key, int Count, long Bytes, string Sha256);

/// <summary>A file that could not be used, and why, in words a user can act on.</summary>
public sealed record QuarantinedFile(string Path, string Reason);

/// <summary>Files left out on purpose (not errors): hidden files and files that are not images.</summary>
public sealed record SkippedFiles(int Hidden, int NotImages);

public static class DatasetSplits
{
    public const string Train = "train";
    public const string Validation = "val";
    public const string Test = "test";
    public static readonly IReadOnlyList<string> All = [Train, Validation, Test];
}
