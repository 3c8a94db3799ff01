namespace Pipeline.Hosting;

/// <summary><c>Pipeline:Bus</c>: which transport carries the messages.</summary>
public sealed class BusOptions
{
    public const string Section = "Pipeline:Bus";
    public BusTransport Transport { get; set; } = BusTransport.InMemory;
    public RabbitMqOptions RabbitMq { get; set; } = new();

    /// <summary>
    /// RabbitMQ only: rounds of attempts, after the first, for a stage command that failed all its in-process retries.
    /// Between rounds it waits in a redelivery queue, <see cref="RedeliveryWait"/> times the round's number; then it
    /// goes to the error queue. 0 turns the rounds off.
    /// </summary>
    public int Redeliveries { get; set; } = 2;

    public TimeSpan RedeliveryWait { get; set; } = TimeSpan.FromMinutes(1);

    public IReadOnlyList<TimeSpan> RedeliveryWaits => [.. Enumerable.Range(1, Redeliveries).Select(round => RedeliveryWait * round)];
}
