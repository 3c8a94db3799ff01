using MassTransit;
using Pipeline.Contracts;

namespace Pipeline.Trainer;

/// <summary>
/// One training job at a time per process (a job already uses every core, or the GPU), and one message fetched at a
/// time, so that a busy trainer never holds a trial another trainer could start.
/// </summary>
public sealed class TrainModelConsumerDefinition : ConsumerDefinition<TrainModelConsumer>
{
    public TrainModelConsumerDefinition()
    {
        EndpointName = StageQueues.Trainer;
        ConcurrentMessageLimit = 1;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpoint, IConsumerConfigurator<TrainModelConsumer> consumer, IRegistrationContext context) =>
        endpoint.PrefetchCount = 1;
}
