namespace Pipeline.Hosting;

/// <summary><c>Pipeline:Heartbeat</c>: how often a worker says it is alive.</summary>
public sealed class HeartbeatOptions
{
    public const string Section = "Pipeline:Heartbeat";

    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(30);
}
