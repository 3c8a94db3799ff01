using MassTransit;

namespace Pipeline.Trainer;

/// <summary>
/// This trainer's command queue. A trainer acknowledges a trial's command as soon as it holds the trial's lease (so
/// that the broker's consumer timeout never cuts a long training), which frees its one prefetch slot: the queue is
/// paused while the trial trains, so that a busy trainer never takes a command another trainer could start.
/// </summary>
public sealed class TrainerIntake(ILogger<TrainerIntake> logger) : IReceiveEndpointObserver
{
    private IReceiveEndpoint? _endpoint;
    private Task _paused = Task.CompletedTask;

    /// <summary>Stops taking commands. Not awaited by the caller: stopping waits for the command being consumed now.</summary>
    public void Pause()
    {
        if (_endpoint is { } endpoint)
            _paused = Task.Run(() => endpoint.Stop());
    }

    /// <summary>Takes commands again; a queue that cannot be started again is logged, never thrown at the trial that just ended.</summary>
    public async Task ResumeAsync()
    {
        try
        {
            await _paused;
            if (_endpoint is { } endpoint)
                await endpoint.Start().Ready;
        }
        catch (Exception e)
        {
            logger.LogError(e, "This trainer could not take commands again after its trial: restart it to take more trials");
        }
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
