namespace Pipeline.Cli.Embedded;

/// <summary>Where an embedded run's ImageFolder was (object <c>ObjectKeys.LocalDataFolder</c>): no message carries a path.</summary>
public sealed record LocalDataFolder(string DataDir)
{
    public const int CurrentSchemaVersion = 1;
    public int SchemaVersion { get; init; } = CurrentSchemaVersion;
}
