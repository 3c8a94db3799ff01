using System.Collections.Concurrent;
using RabbitMQ.Client;

namespace Pipeline.Hosting.Redelivery;

/// <summary>
/// Where a message waits before its next round of attempts: <c>&lt;queue&gt;_redelivery</c>, a queue that nothing
/// consumes. Each message carries its own wait as a RabbitMQ expiration; when it expires the broker dead-letters it
/// back to <c>&lt;queue&gt;</c>. RabbitMQ offers no delayed delivery without a plugin, and none is installed here.
/// Declared by this process (with RabbitMQ's client: MassTransit declares no queue arguments on a send) before its first use.
/// </summary>
public sealed class RedeliveryQueues(RabbitMqOptions options)
{
    private readonly ConcurrentDictionary<string, Lazy<Task>> _declared = new();

    public static string NameFor(string queue) => $"{queue}_redelivery";

    /// <summary>Declares the queue's redelivery queue once per process; a failure is tried again by the next call.</summary>
    public Task EnsureDeclaredAsync(string queue)
    {
        var declared = _declared.GetOrAdd(queue, q => new Lazy<Task>(() => DeclareAsync(q)));
        if (declared.Value.IsFaulted)
            _declared.TryRemove(new KeyValuePair<string, Lazy<Task>>(queue, declared));
        return declared.Value;
    }

    private async Task DeclareAsync(string queue)
    {
        var factory = new ConnectionFactory
        {
            HostName = options.Host, Port = options.Port, VirtualHost = options.VirtualHost, UserName = options.Username, Password = options.Password,
        };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var name = NameFor(queue);
        // The exchange as MassTransit declares one for `exchange:` addresses (fanout, durable), so both agree.
        await channel.ExchangeDeclareAsync(name, ExchangeType.Fanout, durable: true, autoDelete: false);
        await channel.QueueDeclareAsync(name, durable: true, exclusive: false, autoDelete: false, arguments: new Dictionary<string, object?>
        {
            ["x-dead-letter-exchange"] = "",
            ["x-dead-letter-routing-key"] = queue,
        });
        await channel.QueueBindAsync(name, name, routingKey: "");
    }
}
