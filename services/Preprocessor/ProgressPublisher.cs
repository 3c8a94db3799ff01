using MassTransit;
using Pipeline.Contracts;
using Pipeline.Preprocessor.Preprocessing;

namespace Pipeline.Preprocessor;

/// <summary>
/// Turns progress reports (made on worker threads) into <see cref="PreprocessingProgressed"/> events, published in
/// order without blocking the workers. <see cref="FlushAsync"/> waits for the last one and throws what any of them threw:
/// a publish that failed is never silently dropped.
/// </summary>
public sealed class ProgressPublisher(IPublishEndpoint publisher, Guid runId, CancellationToken cancellationToken) : IProgress<PreprocessingProgress>
{
    private readonly Lock _gate = new();
    private Task _tail = Task.CompletedTask;

    public void Report(PreprocessingProgress value)
    {
        lock (_gate)
            _tail = PublishAfterAsync(_tail, new PreprocessingProgressed(runId, value.Processed, value.Total));
    }

    public Task FlushAsync()
    {
        lock (_gate)
            return _tail;
    }

    /// <summary>Each publish waits for the one before; once one failed, the rest are not sent and the failure travels to the end.</summary>
    private async Task PublishAfterAsync(Task previous, PreprocessingProgressed progress)
    {
        await previous;
        await publisher.Publish(progress, cancellationToken);
    }
}
