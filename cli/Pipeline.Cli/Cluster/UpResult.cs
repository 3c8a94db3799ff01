namespace Pipeline.Cli.Cluster;

/// <summary>`cluster up --json`: one object on stdout. Fields are only ever added.</summary>
/// <param name="ApiKey">The deployment's admin key, also in <paramref name="ApiKeyFile"/> (mode 0600).</param>
/// <param name="MetricsUrls">Every Prometheus endpoint of the deployment (see <see cref="ClusterDescription.MetricsUrls"/>).</param>
public sealed record UpResult(int SchemaVersion, string? ApiUrl, string Dir, string CredentialsFile, IReadOnlyList<ProcessView> Processes, string ApiKey, string ApiKeyFile,
    IReadOnlyList<string> MetricsUrls);
