using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Pipeline.Cli.Cluster;

/// <summary>Where a deployment keeps everything: one folder, D.</summary>
public sealed class ClusterPaths(string dir)
{
    public const string DefaultDir = ".pipeline/cluster";

    public string Dir { get; } = Path.GetFullPath(dir);

    public string ClusterFile => Path.Combine(Dir, "cluster.json");

    public string CredentialsFile => Path.Combine(Dir, "credentials.json");

    public const string ApiKeyFileName = "api-key";

    /// <summary>The admin key alone (mode 0600): what clients send (see <c>PIPELINE_API_KEY_FILE</c>).</summary>
    public string ApiKeyFile => Path.Combine(Dir, ApiKeyFileName);

    /// <summary>The orchestrator's key file, <c>ROLE KEY</c> lines (mode 0600).</summary>
    public string ApiKeysFile => Path.Combine(Dir, "api-keys");

    public string LockFile => Path.Combine(Dir, ".lock");

    public string Logs => Path.Combine(Dir, "logs");

    public string Database => Path.Combine(Dir, "runs.db");

    public string S3Data => Path.Combine(Dir, "s3");

    public string RabbitMq => Path.Combine(Dir, "rabbitmq");

    public string RabbitMqMnesia => Path.Combine(RabbitMq, "mnesia");

    public string RabbitMqLogs => Path.Combine(RabbitMq, "log");

    public string RabbitMqConfig => Path.Combine(RabbitMq, "rabbitmq.conf");

    public string RabbitMqPidFile => Path.Combine(RabbitMq, "rabbitmq.pid");

    public string Prometheus => Path.Combine(Dir, "prometheus");

    public string PrometheusConfig => Path.Combine(Prometheus, "prometheus.yml");

    /// <summary>targets/JOB.json: what Prometheus scrapes (file-based discovery).</summary>
    public string PrometheusTargets => Path.Combine(Prometheus, "targets");

    public string PrometheusData => Path.Combine(Prometheus, "data");

    /// <summary>The node name is derived from the folder: two deployments never share a node (or its database).</summary>
    public string NodeName => $"pipeline-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Dir)))[..12]}@localhost";

    public string Log(string name, int index) => Path.Combine(Logs, $"{name}-{index.ToString(CultureInfo.InvariantCulture)}.log");
}
