namespace Pipeline.Cli.Cluster;

/// <summary>
/// The ports of the deployment's telemetry viewers on 127.0.0.1: the Aspire Dashboard (its web UI, and OTLP over gRPC
/// and HTTP, where the services export) and Prometheus (which scrapes every <c>/metrics</c>).
/// </summary>
public sealed record TelemetrySettings(int DashboardPort, int OtlpGrpcPort, int OtlpHttpPort, int PrometheusPort)
{
    public string DashboardUrl => Url(DashboardPort);

    /// <summary>What <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> takes (the exporters add <c>/v1/traces</c> and the like).</summary>
    public string OtlpHttpUrl => Url(OtlpHttpPort);

    public string PrometheusUrl => Url(PrometheusPort);

    private static string Url(int port) => $"http://127.0.0.1:{port}";
}
