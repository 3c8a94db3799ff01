using MassTransit;
using Pipeline.Contracts;

namespace Pipeline.Trainer;

/// <summary>
/// One trial at a time per process (a trial already uses every core, or the GPU), and one message fetched at a time;
/// the queue pauses while a trial trains (<see cref="TrainerIntake"/>), so that a busy trainer never holds a trial
/// another trainer could start.
/// </summary>
public sealed class TrainModelConsumerDefinition : ConsumerDefinition<TrainModelConsumer>
{
    public TrainModelConsumerDefinition()
    {
        EndpointName = StageQueues.Trainer;
        ConcurrentMessageLimit = 1;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpoint, IConsumerConfigurator<TrainModelConsumer> consumer, IRegistrationContext context)
    {
        endpoint.PrefetchCount = 1;
        endpoint.ConnectReceiveEndpointObserver(context.GetRequiredService<TrainerIntake>());
    }
}
