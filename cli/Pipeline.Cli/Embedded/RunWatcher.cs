using System.Threading.Channels;

namespace Pipeline.Cli.Embedded;

/// <summary>Hands the run's events from the bus to the command's render loop, in arrival order.</summary>
public sealed class RunWatcher
{
    private readonly Channel<object> _events = Channel.CreateUnbounded<object>();

    public ChannelReader<object> Events => _events.Reader;

    internal void Post(object message) => _events.Writer.TryWrite(message);
}
