using Pipeline.Contracts;

namespace Pipeline.Runs;

/// <summary><c>runs/&lt;runId&gt;/run.json</c>: what is needed to reproduce a run.</summary>
public sealed record RunFile
{
    public const int CurrentSchemaVersion = 2;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;
    public required Guid RunId { get; init; }
    public required RunSpec Spec { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public string? DatasetFingerprint { get; init; }
    public string? ManifestKey { get; init; }

    /// <summary>Component name to version, gathered from every stage that worked on the run.</summary>
    public required IReadOnlyDictionary<string, string> Versions { get; init; }
}
