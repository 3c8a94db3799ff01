namespace Pipeline.Datasets;

/// <summary><c>datasets/&lt;name&gt;/index.json</c>: an uploaded ImageFolder's classes and files with their content hashes, written after the files.</summary>
public sealed record DatasetIndex
{
    /// <summary>2: adds the quarantine (entries refused while listing) and pre-split datasets; version 1 files read as having neither.</summary>
    public const int CurrentSchemaVersion = 2;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;
    public required string Name { get; init; }
    public required IReadOnlyList<string> Classes { get; init; }
    public required IReadOnlyList<IndexedFile> Files { get; init; }
    public required SkippedFiles Skipped { get; init; }
    public IReadOnlyList<QuarantinedFile> Quarantine { get; init; } = [];

    /// <summary>The files sit under train/, val/ and test/ (<see cref="ImageFolder.IsPreSplit"/>), and that split is kept.</summary>
    public bool PreSplit { get; init; }
    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;
}
