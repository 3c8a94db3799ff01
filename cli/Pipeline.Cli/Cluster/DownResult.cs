namespace Pipeline.Cli.Cluster;

/// <summary>`cluster down --json`: what was still running and is now stopped.</summary>
public sealed record DownResult(int SchemaVersion, string Dir, IReadOnlyList<string> Stopped);
