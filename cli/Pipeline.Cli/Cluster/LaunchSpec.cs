namespace Pipeline.Cli.Cluster;

/// <summary>What to start, how it is configured (its environment), and where its output goes.</summary>
/// <param name="Environment">Variables set on top of this process's environment (minus any Pipeline__ variable).</param>
public sealed record LaunchSpec(
    string Name,
    int Index,
    string FileName,
    IReadOnlyList<string> Arguments,
    IReadOnlyDictionary<string, string> Environment,
    string WorkingDirectory,
    string Log,
    int? Port = null,
    string? Url = null);
