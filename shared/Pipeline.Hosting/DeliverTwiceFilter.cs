using MassTransit;

namespace Pipeline.Hosting;

/// <summary>The <see cref="Failpoints.DeliverTwice"/> failpoint: each message goes through its consumer twice, one after the other.</summary>
public sealed class DeliverTwiceFilter<T> : IFilter<ConsumeContext<T>> where T : class
{
    public async Task Send(ConsumeContext<T> context, IPipe<ConsumeContext<T>> next)
    {
        await next.Send(context);
        await next.Send(context);
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("deliverTwice");
}
