using MassTransit;
using Pipeline.Contracts;

namespace Pipeline.Hosting;

/// <summary>
/// Every process hears every <see cref="RunCancelled"/> and <see cref="RunCompleted"/> (its endpoint is per instance):
/// it stops that run's work, and forgets the run once it ended.
/// </summary>
public sealed class RunCancelledConsumer(RunCancellations cancellations) : IConsumer<RunCancelled>, IConsumer<RunCompleted>
{
    public Task Consume(ConsumeContext<RunCancelled> context)
    {
        cancellations.Cancel(context.Message.RunId);
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<RunCompleted> context)
    {
        cancellations.Forget(context.Message.RunId);
        return Task.CompletedTask;
    }
}
