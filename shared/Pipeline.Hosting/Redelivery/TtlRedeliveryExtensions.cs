using MassTransit;

namespace Pipeline.Hosting.Redelivery;

public static class TtlRedeliveryExtensions
{
    /// <summary>
    /// Redelivers a message that failed every in-process retry after each of <paramref name="waits"/>, through
    /// <paramref name="queue"/>'s redelivery queue; after the last it goes to the error queue and a fault is published.
    /// Call before <c>UseMessageRetry</c>, whose attempts it wraps.
    /// </summary>
    public static void UseTtlRedelivery(this IConsumePipeConfigurator endpoint, string queue, RedeliveryQueues queues, IReadOnlyList<TimeSpan> waits) =>
        // The observer connects itself to the endpoint and adds the redelivery for each message type as it is configured.
        _ = new TtlRedeliveryObserver(endpoint, queue, queues, waits);
}
