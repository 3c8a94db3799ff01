using System.Text.Json.Serialization;

namespace Pipeline.Cli.Cluster;

/// <summary>One process a deployment started: who it is (pid and start time), where it listens, where it logs.</summary>
/// <param name="Name">rabbitmq, epmd, s3rver, orchestrator, preprocessor, trainer or evaluator.</param>
/// <param name="Index">1-based; several trainers are trainer 1, 2, 3.</param>
/// <param name="StartTime">Clock ticks since boot (/proc/PID/stat), so that a recycled pid is never taken for ours.</param>
/// <param name="Url">The service's base URL (http:// for services and s3rver, amqp:// for RabbitMQ), null for epmd.</param>
public sealed record ProcessRecord(string Name, int Index, int Pid, long StartTime, int? Port, string? Url, string Log)
{
    [JsonIgnore]
    public string Id => $"{Name}-{Index}";

    [JsonIgnore]
    public bool IsAlive => LinuxProcess.IsAlive(Pid, StartTime);
}
