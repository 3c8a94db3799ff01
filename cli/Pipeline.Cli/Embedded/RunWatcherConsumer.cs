using MassTransit;
using Pipeline.Contracts;

namespace Pipeline.Cli.Embedded;

/// <summary>Subscribes the CLI to the same events an API or dashboard would use.</summary>
public sealed class RunWatcherConsumer(RunWatcher watcher) :
    IConsumer<RunRejected>,
    IConsumer<PreprocessingProgressed>,
    IConsumer<DatasetPrepared>,
    IConsumer<EpochCompleted>,
    IConsumer<ModelTrained>,
    IConsumer<RunCompleted>
{
    public Task Consume(ConsumeContext<RunRejected> context) => Post(context.Message);
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
