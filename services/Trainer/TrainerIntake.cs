using MassTransit;

namespace Pipeline.Trainer;

/// <summary>
/// This trainer's command queue. A trainer acknowledges a trial's command as soon as it holds the trial's lease (so
/// that the broker's consumer timeout never cuts a long training), which frees its one prefetch slot: the queue is
/// paused while the trial trains, so that a busy trainer never takes a command another trainer could start.
/// </summary>
public sealed class TrainerIntake : IReceiveEndpointObserver
{
    private IReceiveEndpoint? _endpoint;
    private Task _paused = Task.CompletedTask;

    /// <summary>Stops taking commands. Not awaited by the caller: stopping waits for the command being consumed now.</summary>
    public void Pause()
    {
        if (_endpoint is { } endpoint)
            _paused = Task.Run(() => endpoint.Stop());
    }

    public async Task ResumeAsync()
    {
        await _paused;
        if (_endpoint is { } endpoint)
            await endpoint.Start().Ready;
    }

    public Task Ready(ReceiveEndpointReady ready)
    {
        _endpoint = ready.ReceiveEndpoint;
        return Task.CompletedTask;
    }

    public Task Stopping(ReceiveEndpointStopping stopping) => Task.CompletedTask;

    public Task Completed(ReceiveEndpointCompleted completed) => Task.CompletedTask;

    public Task Faulted(ReceiveEndpointFaulted faulted) => Task.CompletedTask;
}
