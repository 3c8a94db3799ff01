using MassTransit;

namespace Pipeline.Trainer;

/// <summary>One training job at a time per process: a job already uses every core (or the GPU).</summary>
public sealed class TrainModelConsumerDefinition : ConsumerDefinition<TrainModelConsumer>
{
    public TrainModelConsumerDefinition() => ConcurrentMessageLimit = 1;
}
