using MassTransit;
using Pipeline.Contracts;
using Pipeline.Preprocessor;
using Pipeline.Preprocessor.Preprocessing;

namespace Pipeline.Tests.Preprocessing;

public sealed class ProgressPublisherTests
{
    [Fact]
    public async Task Progress_is_published_in_order()
    {
        var bus = new RecordingPublisher();
        var progress = new ProgressPublisher(bus, Guid.NewGuid(), CancellationToken.None);

        for (var i = 1; i <= 50; i++)
            progress.Report(new PreprocessingProgress(i, 50));
        await progress.FlushAsync();

        Assert.Equal(Enumerable.Range(1, 50), bus.Published.Select(p => p.Processed));
    }

    [Fact]
    public async Task A_publish_that_failed_is_not_forgotten_by_the_ones_after_it()
    {
        var bus = new RecordingPublisher(failOn: 2);
        var progress = new ProgressPublisher(bus, Guid.NewGuid(), CancellationToken.None);

        for (var i = 1; i <= 3; i++)
            progress.Report(new PreprocessingProgress(i, 3));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(progress.FlushAsync);
        Assert.Equal("broker gone", error.Message);
        Assert.Equal([1], bus.Published.Select(p => p.Processed));
    }

    /// <summary>Records what is published; the <paramref name="failOn"/>-th publish throws.</summary>
    private sealed class RecordingPublisher(int failOn = 0) : IPublishEndpoint
    {
        private int _calls;

        public List<PreprocessingProgressed> Published { get; } = [];

        public async Task Publish<T>(T message, CancellationToken cancellationToken = default) where T : class
        {
            await Task.Yield();
            if (++_calls == failOn)
                throw new InvalidOperationException("broker gone");
            Published.Add((PreprocessingProgressed)(object)message);
        }

        public Task Publish<T>(T message, IPipe<PublishContext<T>> publishPipe, CancellationToken cancellationToken = default) where T : class => Publish(message, cancellationToken);
        public Task Publish<T>(T message, IPipe<PublishContext> publishPipe, CancellationToken cancellationToken = default) where T : class => Publish(message, cancellationToken);
        public Task Publish(object message, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task Publish(object message, IPipe<PublishContext> publishPipe, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task Publish(object message, Type messageType, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task Publish(object message, Type messageType, IPipe<PublishContext> publishPipe, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task Publish<T>(object values, CancellationToken cancellationToken = default) where T : class => throw new NotSupportedException();
        public Task Publish<T>(object values, IPipe<PublishContext<T>> publishPipe, CancellationToken cancellationToken = default) where T : class => throw new NotSupportedException();
        public Task Publish<T>(object values, IPipe<PublishContext> publishPipe, CancellationToken cancellationToken = default) where T : class => throw new NotSupportedException();
        public ConnectHandle ConnectPublishObserver(IPublishObserver observer) => throw new NotSupportedException();
    }
}
