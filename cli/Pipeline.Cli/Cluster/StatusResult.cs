namespace Pipeline.Cli.Cluster;

/// <summary>`cluster status --json`: one object on stdout; <c>ready</c> when every process is alive and ready.</summary>
public sealed record StatusResult(int SchemaVersion, string Dir, string? ApiUrl, bool Ready, IReadOnlyList<ProcessStatus> Processes, IReadOnlyList<string> MetricsUrls);
