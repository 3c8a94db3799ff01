namespace Pipeline.Cli.Cluster;

/// <summary>What `--json` prints when a cluster command fails: still exactly one object.</summary>
public sealed record ErrorResult(int SchemaVersion, string Dir, string Error);
