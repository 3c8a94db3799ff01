namespace Pipeline.Cli.Cluster;

/// <summary>`cluster up --json`: one object on stdout. Fields are only ever added.</summary>
/// <param name="ApiKey">The deployment's admin key, also in <paramref name="ApiKeyFile"/> (mode 0600).</param>
/// <param name="MetricsUrls">Every Prometheus endpoint of the deployment (see <see cref="ClusterDescription.MetricsUrls"/>).</param>
/// <param name="DashboardUrl">The Aspire Dashboard's web UI (traces, logs, metrics of every service); null when it is not installed.</param>
/// <param name="OtlpUrl">Where the services export OTLP over HTTP (the dashboard's receiver); null without it.</param>
/// <param name="PrometheusUrl">Prometheus's web UI and API, scraping <paramref name="MetricsUrls"/>; null when it is not installed.</param>
/// <param name="Notes">What is missing and how to install it.</param>
public sealed record UpResult(int SchemaVersion, string? ApiUrl, string Dir, string CredentialsFile, IReadOnlyList<ProcessView> Processes, string ApiKey, string ApiKeyFile,
    IReadOnlyList<string> MetricsUrls, string? DashboardUrl, string? OtlpUrl, string? PrometheusUrl, IReadOnlyList<string> Notes);
