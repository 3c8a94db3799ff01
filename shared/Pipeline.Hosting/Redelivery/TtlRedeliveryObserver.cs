using MassTransit;
using MassTransit.Configuration;

namespace Pipeline.Hosting.Redelivery;

/// <summary>Puts the TTL-queue redelivery in front of every message type the endpoint consumes (MassTransit's own redelivery needs a scheduler).</summary>
public sealed class TtlRedeliveryObserver(IConsumePipeConfigurator endpoint, string queue, RedeliveryQueues queues, IReadOnlyList<TimeSpan> waits)
    : ScheduledRedeliveryConfigurationObserver(endpoint, redelivery => redelivery.Intervals([.. waits]))
{
    protected override IRedeliveryPipeSpecification AddRedeliveryPipeSpecification<TMessage>(IConsumePipeConfigurator configurator)
    {
        var specification = new TtlRedeliverySpecification<TMessage>(queue, queues);
        configurator.AddPipeSpecification(specification);
        return specification;
    }
}
