using System.Threading.Channels;
using MassTransit;
using Pipeline.Contracts;

namespace Pipeline.Cli.Embedded;

/// <summary>Hands the run's progress events from the bus to the command's render loop, in arrival order.</summary>
public sealed class RunWatcher
{
    private readonly Channel<object> _events = Channel.CreateUnbounded<object>();

    public ChannelReader<object> Events => _events.Reader;

    internal void Post(object message) => _events.Writer.TryWrite(message);
}

/// <summary>Subscribes the CLI to the same events an API or dashboard would use.</summary>
public sealed class RunWatcherConsumer(RunWatcher watcher) :
    IConsumer<PreprocessingProgressed>,
    IConsumer<DatasetPrepared>,
    IConsumer<EpochCompleted>,
    IConsumer<ModelTrained>,
    IConsumer<RunCompleted>
{
    public Task Consume(ConsumeContext<PreprocessingProgressed> context) => Post(context.Message);
    public Task Consume(ConsumeContext<DatasetPrepared> context) => Post(context.Message);
    public Task Consume(ConsumeContext<EpochCompleted> context) => Post(context.Message);
    public Task Consume(ConsumeContext<ModelTrained> context) => Post(context.Message);
    public Task Consume(ConsumeContext<RunCompleted> context) => Post(context.Message);

    private Task Post(object message)
    {
        watcher.Post(message);
        return Task.CompletedTask;
    }
}
