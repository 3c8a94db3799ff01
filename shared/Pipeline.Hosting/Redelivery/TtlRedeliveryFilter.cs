using MassTransit;

namespace Pipeline.Hosting.Redelivery;

/// <summary>Gives each message the redelivery context that MassTransit's redelivery retry asks for.</summary>
public sealed class TtlRedeliveryFilter<T>(string queue, RedeliveryQueues queues, RedeliveryOptions options) : IFilter<ConsumeContext<T>> where T : class
{
    public Task Send(ConsumeContext<T> context, IPipe<ConsumeContext<T>> next)
    {
        context.GetOrAddPayload<MessageRedeliveryContext>(() => new TtlRedeliveryContext<T>(context, queue, queues, options));
        return next.Send(context);
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("ttlRedelivery");
}
