using System.Globalization;

namespace Pipeline.Cli.Cluster;

/// <summary>The processes of a deployment by name, and how each pipeline service is configured: environment variables only.</summary>
public static class ClusterServices
{
    public const string Epmd = "epmd";
    public const string RabbitMq = "rabbitmq";
    public const string S3rver = "s3rver";
    public const string Dashboard = "dashboard";
    public const string Prometheus = "prometheus";
    public const string Orchestrator = "orchestrator";
    public const string Preprocessor = "preprocessor";
    public const string Trainer = "trainer";
    public const string Evaluator = "evaluator";

    /// <summary>The pipeline's own services, in the order they start and are listed.</summary>
    public static readonly IReadOnlyList<string> Services = [Orchestrator, Preprocessor, Trainer, Evaluator];

    public static readonly IReadOnlyList<string> All = [Epmd, RabbitMq, S3rver, Dashboard, Prometheus, .. Services];

    /// <summary>The telemetry viewers: a deployment works without them (when they are not installed).</summary>
    public static readonly IReadOnlyList<string> Viewers = [Dashboard, Prometheus];

    public static bool IsService(string name) => Services.Contains(name);

    /// <summary>
    /// Trainers on one machine share its cores: libtorch would otherwise give each of them every core, and N trainers
    /// would fight over them.
    /// </summary>
    public static int TrainerThreads(int trainers) => Math.Max(1, System.Environment.ProcessorCount / Math.Max(1, trainers));

    /// <summary>
    /// What one service needs to join the deployment: the broker, the bucket, and its own settings; and where it exports
    /// traces, metrics and logs (OTLP over HTTP), when the deployment has a receiver (<paramref name="otlpEndpoint"/>).
    /// </summary>
    public static Dictionary<string, string> Environment(string service, int trainers, ClusterCredentials credentials, ClusterPaths paths, string? otlpEndpoint)
    {
        var rabbit = credentials.RabbitMq;
        var s3 = credentials.S3;
        var environment = new Dictionary<string, string>
        {
            ["Pipeline__Bus__Transport"] = "RabbitMq",
            ["Pipeline__Bus__RabbitMq__Host"] = rabbit.Host,
            ["Pipeline__Bus__RabbitMq__Port"] = rabbit.Port.ToString(CultureInfo.InvariantCulture),
            ["Pipeline__Bus__RabbitMq__VirtualHost"] = rabbit.VirtualHost,
            ["Pipeline__Bus__RabbitMq__Username"] = rabbit.Username,
            ["Pipeline__Bus__RabbitMq__Password"] = rabbit.Password,
            ["Pipeline__Store__Provider"] = "S3",
            ["Pipeline__Store__S3__Endpoint"] = s3.Endpoint,
            ["Pipeline__Store__S3__Bucket"] = s3.Bucket,
            ["Pipeline__Store__S3__AccessKey"] = s3.AccessKey,
            ["Pipeline__Store__S3__SecretKey"] = s3.SecretKey,
            ["Pipeline__Store__S3__UseSsl"] = "false",
        };
        if (otlpEndpoint is not null)
        {
            environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = otlpEndpoint;
            environment["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
        }
        switch (service)
        {
            case Orchestrator:
                environment["Pipeline__Orchestrator__Database"] = $"Data Source={paths.Database}";
                environment["Pipeline__Api__KeyFile"] = paths.ApiKeysFile;
                break;
            case Trainer:
                environment["Pipeline__Trainer__Threads"] = TrainerThreads(trainers).ToString(CultureInfo.InvariantCulture);
                break;
        }
        return environment;
    }

    /// <summary>`dotnet Pipeline.X.dll --urls http://127.0.0.1:PORT`, working in D, logging to D/logs/X-I.log.</summary>
    public static LaunchSpec Launch(string service, int index, int port, ClusterDescription description, ClusterCredentials credentials, ClusterPaths paths,
        PipelineInstallation installation)
    {
        var url = $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";
        return new LaunchSpec(service, index, PipelineInstallation.DotnetHost, [installation.ServiceDll(service), "--urls", url],
            Environment(service, description.Trainers, credentials, paths, description.OtlpEndpoint), paths.Dir, paths.Log(service, index), port, url);
    }
}
