namespace Pipeline.Cli.Cluster;

/// <summary>`cluster up --json`: one object on stdout. Fields are only ever added.</summary>
public sealed record UpResult(int SchemaVersion, string? ApiUrl, string Dir, string CredentialsFile, IReadOnlyList<ProcessView> Processes);
