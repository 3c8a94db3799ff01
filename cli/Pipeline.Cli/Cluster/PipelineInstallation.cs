namespace Pipeline.Cli.Cluster;

/// <summary>
/// Where the programs of a deployment are: the four services sit beside this CLI in its build output (it references
/// them all), the RabbitMQ configuration and s3rver in the repository's infra folder above it.
/// </summary>
public sealed class PipelineInstallation
{
    private PipelineInstallation(string outputDir, string repoRoot)
    {
        OutputDir = outputDir;
        RepoRoot = repoRoot;
    }

    public string OutputDir { get; }

    public string RepoRoot { get; }

    /// <summary>The dotnet host running this CLI, so that the services run on the very same runtime.</summary>
    public static string DotnetHost =>
        Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";

    public string RabbitMqConfigTemplate => Path.Combine(RepoRoot, "infra", "rabbitmq", "rabbitmq.conf");

    /// <summary>The scrape configuration of a local deployment, copied into D/prometheus.</summary>
    public string PrometheusConfigTemplate => Path.Combine(RepoRoot, "infra", "prometheus", "cluster.yml");

    public string S3rverDir => Path.Combine(RepoRoot, "infra", "s3rver");

    public string S3rverEntry => Path.Combine(S3rverDir, "node_modules", "s3rver", "bin", "s3rver.js");

    /// <summary>The .pipeline script's own entry point, for the watchdog (`dotnet pipeline.dll cluster watch`).</summary>
    public string CliDll => Path.Combine(OutputDir, "pipeline.dll");

    public static PipelineInstallation Locate()
    {
        var output = AppContext.BaseDirectory;
        for (var dir = new DirectoryInfo(output); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "infra", "rabbitmq", "rabbitmq.conf")))
                return new PipelineInstallation(output, dir.FullName);
        throw new ClusterException(
            $"`cluster` runs from the repository's build (./pipeline): no infra/rabbitmq/rabbitmq.conf above {output}.", ClusterException.Refused);
    }

    /// <summary>The entry assembly of a service, e.g. Pipeline.Trainer.dll, which the CLI's build copies beside it.</summary>
    public string ServiceDll(string service)
    {
        var path = Path.Combine(OutputDir, $"Pipeline.{char.ToUpperInvariant(service[0])}{service[1..]}.dll");
        return File.Exists(path)
            ? path
            : throw new ClusterException($"{path} is missing: rebuild with `./pipeline --help` (or dotnet build cli/Pipeline.Cli -c Release).", ClusterException.Refused);
    }
}
