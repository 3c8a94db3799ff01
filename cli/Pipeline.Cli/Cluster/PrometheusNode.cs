using System.Text.Json;

namespace Pipeline.Cli.Cluster;

/// <summary>
/// Prometheus from Debian's <c>prometheus</c> package, scraping the deployment: infra/prometheus/cluster.yml copied into
/// D/prometheus, whose targets/JOB.json files (file-based discovery, reread by Prometheus on change) always list the
/// ports of the running processes, so that a trainer started later is scraped too. Its data stays in D/prometheus/data.
/// </summary>
public static class PrometheusNode
{
    public const string Program = "/usr/bin/prometheus";

    public const string InstallHint = "install it with `sudo apt-get install prometheus` (or `bash infra/scripts/install-deps.sh --test`) and run `cluster up` again";

    public static string? Locate() => File.Exists(Program) ? Program : null;

    public static LaunchSpec Launch(TelemetrySettings settings, ClusterPaths paths, PipelineInstallation installation)
    {
        Directory.CreateDirectory(paths.PrometheusTargets);
        File.Copy(installation.PrometheusConfigTemplate, paths.PrometheusConfig, overwrite: true);
        return new LaunchSpec(ClusterServices.Prometheus, 1, Program,
        [
            $"--config.file={paths.PrometheusConfig}",
            $"--storage.tsdb.path={paths.PrometheusData}",
            $"--web.listen-address=127.0.0.1:{settings.PrometheusPort}",
        ], new Dictionary<string, string>(), paths.Prometheus, paths.Log(ClusterServices.Prometheus, 1), settings.PrometheusPort, settings.PrometheusUrl);
    }

    /// <summary>One file per scrape job of cluster.yml: the services' ports, RabbitMQ's plugin, Prometheus itself.</summary>
    public static void WriteTargets(ClusterDescription description, ClusterPaths paths)
    {
        if (description.Telemetry is not { } telemetry || !Directory.Exists(paths.PrometheusTargets))
            return;
        var jobs = ClusterServices.Services.ToDictionary(service => service, service => description.Processes
            .Where(p => p.Name == service && p.Port is not null).OrderBy(p => p.Index).Select(p => Target(p.Port!.Value)).ToArray());
        jobs["rabbitmq"] = [Target(description.RabbitMq.PrometheusPort)];
        jobs["prometheus"] = [Target(telemetry.PrometheusPort)];
        foreach (var (job, targets) in jobs)
            PrivateFile.Write(Path.Combine(paths.PrometheusTargets, $"{job}.json"),
                JsonSerializer.Serialize(new[] { new { targets } }), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
    }

    private static string Target(int port) => $"127.0.0.1:{port}";
}
