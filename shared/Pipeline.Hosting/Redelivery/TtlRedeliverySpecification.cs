using MassTransit;
using MassTransit.Configuration;

namespace Pipeline.Hosting.Redelivery;

public sealed class TtlRedeliverySpecification<T>(string queue, RedeliveryQueues queues) : IPipeSpecification<ConsumeContext<T>>, IRedeliveryPipeSpecification
    where T : class
{
    public RedeliveryOptions Options { get; set; }

    public void Apply(IPipeBuilder<ConsumeContext<T>> builder) => builder.AddFilter(new TtlRedeliveryFilter<T>(queue, queues, Options));

    public IEnumerable<ValidationResult> Validate() => [];
}
