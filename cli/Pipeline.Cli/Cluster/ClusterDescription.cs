namespace Pipeline.Cli.Cluster;

/// <summary>
/// cluster.json: what one `cluster up` started, written after every process it launches so that `down` finds
/// everything even when `up` died half-way. No secrets here (they are in credentials.json).
/// </summary>
public sealed record ClusterDescription
{
    public int SchemaVersion { get; init; } = 1;

    public required string Dir { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required int Trainers { get; init; }

    public required RabbitMqSettings RabbitMq { get; init; }

    /// <summary>The ports of the telemetry viewers (null in a cluster.json from before they existed).</summary>
    public TelemetrySettings? Telemetry { get; init; }

    public List<ProcessRecord> Processes { get; init; } = [];

    /// <summary>The process that stops the deployment when its owner exits (`up --stop-with-pid`), if any.</summary>
    public ProcessRecord? Watchdog { get; set; }

    public string? ApiUrl => Find(ClusterServices.Orchestrator, 1)?.Url;

    /// <summary>What Prometheus scrapes: every pipeline service's <c>/metrics</c> and RabbitMQ's plugin (queue backlog).</summary>
    public IReadOnlyList<string> MetricsUrls =>
    [
        .. Processes.Where(p => ClusterServices.Services.Contains(p.Name) && p.Url is not null).Select(p => $"{p.Url}/metrics"),
        RabbitMq.MetricsUrl,
    ];

    /// <summary>Where the services export OTLP: the deployment's Aspire Dashboard, when `up` started one.</summary>
    public string? OtlpEndpoint => Find(ClusterServices.Dashboard, 1) is not null ? Telemetry?.OtlpHttpUrl : null;

    public ProcessRecord? Find(string name, int index) => Processes.Find(p => p.Name == name && p.Index == index);

    /// <summary>Adds or replaces the record of <paramref name="process"/> (same name and index).</summary>
    public void Record(ProcessRecord process)
    {
        Processes.RemoveAll(p => p.Name == process.Name && p.Index == process.Index);
        Processes.Add(process);
    }
}
