namespace Pipeline.Hosting;

/// <summary><c>Pipeline:Bus</c>: which transport carries the messages.</summary>
public sealed class BusOptions
{
    public const string Section = "Pipeline:Bus";
    public BusTransport Transport { get; set; } = BusTransport.InMemory;
    public RabbitMqOptions RabbitMq { get; set; } = new();
}
