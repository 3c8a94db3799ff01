using MassTransit;
using Pipeline.Contracts;
using Pipeline.Preprocessor.Preprocessing;

namespace Pipeline.Preprocessor;

/// <summary>
/// Turns progress reports (made on worker threads) into <see cref="PreprocessingProgressed"/> events, published
/// in order without blocking the workers. <see cref="FlushAsync"/> waits for the last one.
/// </summary>
public sealed class ProgressPublisher(IPublishEndpoint publisher, Guid runId, CancellationToken cancellationToken) : IProgress<PreprocessingProgress>
{
    private readonly Lock _gate = new();
    private Task _tail = Task.CompletedTask;

    public void Report(PreprocessingProgress value)
    {
        lock (_gate)
            _tail = _tail.ContinueWith(_ => publisher.Publish(new PreprocessingProgressed(runId, value.Processed, value.Total), cancellationToken),
                CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).Unwrap();
    }

    public Task FlushAsync()
    {
        lock (_gate)
            return _tail;
    }
}
