using MassTransit;
using Pipeline.Contracts;

namespace Pipeline.Hosting;

/// <summary>Every process hears every <see cref="RunCancelled"/> (its endpoint is per instance) and stops that run's work.</summary>
public sealed class RunCancelledConsumer(RunCancellations cancellations) : IConsumer<RunCancelled>
{
    public Task Consume(ConsumeContext<RunCancelled> context)
    {
        cancellations.Cancel(context.Message.RunId);
        return Task.CompletedTask;
    }
}
