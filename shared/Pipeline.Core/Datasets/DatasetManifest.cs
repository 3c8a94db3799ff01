using Pipeline.Contracts;

namespace Pipeline.Datasets;

/// <summary>
/// What the preprocessor produced for one dataset fingerprint: classes, splits with their shards, and the files it
/// skipped or quarantined. Stored at <c>prepared/&lt;fingerprint&gt;/manifest.json</c>, after every shard.
/// </summary>
public sealed record DatasetManifest
{
    /// <summary>3: quarantine entries are {path, code, message} (2 had a free-text reason); duplicates are listed; pre-split datasets are marked.</summary>
    public const int CurrentSchemaVersion = 3;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;
    public required string Fingerprint { get; init; }

    /// <summary>The dataset's name.</summary>
    public required string Source { get; init; }

    public required int ImageWidth { get; init; }
    public required int ImageHeight { get; init; }

    /// <summary>Class names in sorted folder-name order; a label is an index into this list.</summary>
    public required IReadOnlyList<string> Classes { get; init; }

    public required int Seed { get; init; }

    /// <summary>The options the images were prepared with (split, resize, background, size); a model records them for prediction.</summary>
    public required PreprocessingSpec Preprocessing { get; init; }

    /// <summary>True when the dataset came split (train/, val/, test/ folders) and kept its split; <see cref="Preprocessing"/>'s ratios were not used.</summary>
    public bool PreSplit { get; init; }

    /// <summary>Keyed by <see cref="DatasetSplits"/> names.</summary>
    public required IReadOnlyDictionary<string, SplitManifest> Splits { get; init; }

    public required IReadOnlyList<QuarantinedFile> Quarantine { get; init; }

    /// <summary>Groups of paths with identical content in one class: all kept, each group in a single split.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Duplicates { get; init; } = [];
    public required SkippedFiles Skipped { get; init; }
    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;

    public SplitManifest this[string split] =>
        Splits.TryGetValue(split, out var manifest) ? manifest : throw new KeyNotFoundException($"The manifest has no '{split}' split.");
}
