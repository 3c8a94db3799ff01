using System.Diagnostics;
using System.Runtime.CompilerServices;
using Pipeline.Storage;
using Pipeline.Telemetry;

namespace Pipeline.Hosting;

/// <summary>
/// An object store whose every call is a client span (operation and key as attributes, failures with their reason) and a
/// latency measurement in <see cref="PipelineMetrics.ObjectStoreDuration"/>; checkpoint saves, shard writes and report
/// uploads show up in the run's trace this way.
/// </summary>
public sealed class TracedObjectStore(IObjectStore inner) : IObjectStore
{
    public Task PutAsync(string key, Stream content, CancellationToken cancellationToken = default) =>
        TracedAsync("put", key, () => inner.PutAsync(key, content, cancellationToken));

    public Task<bool> PutIfAbsentAsync(string key, Stream content, CancellationToken cancellationToken = default) =>
        TracedAsync("put_if_absent", key, () => inner.PutIfAbsentAsync(key, content, cancellationToken));

    public Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken = default) =>
        TracedAsync("get", key, () => inner.OpenReadAsync(key, cancellationToken));

    public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default) =>
        TracedAsync("exists", key, () => inner.ExistsAsync(key, cancellationToken));

    public Task<long> SizeAsync(string key, CancellationToken cancellationToken = default) =>
        TracedAsync("size", key, () => inner.SizeAsync(key, cancellationToken));

    public Task DeleteAsync(string key, CancellationToken cancellationToken = default) =>
        TracedAsync("delete", key, () => inner.DeleteAsync(key, cancellationToken));

    public async IAsyncEnumerable<string> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // A listing is consumed lazily: the span covers the whole enumeration.
        using var call = new Call("list", prefix);
        await foreach (var key in inner.ListAsync(prefix, cancellationToken))
            yield return key;
        call.Done();
    }

    private static async Task TracedAsync(string operation, string key, Func<Task> work) =>
        await TracedAsync(operation, key, async () =>
        {
            await work();
            return true;
        });

    private static async Task<T> TracedAsync<T>(string operation, string key, Func<Task<T>> work)
    {
        using var call = new Call(operation, key);
        try
        {
            var result = await work();
            call.Done();
            return result;
        }
        catch (Exception e)
        {
            call.Span.Failed(e);
            throw;
        }
    }

    /// <summary>One call's span and clock; a call not marked done counts as failed.</summary>
    private sealed class Call : IDisposable
    {
        private readonly string _operation;
        private readonly long _started = Stopwatch.GetTimestamp();
        private string _outcome = "error";

        public Call(string operation, string key)
        {
            _operation = operation;
            Span = PipelineTelemetry.StartSpan($"object store {operation}", ActivityKind.Client);
            Span?.SetTag("pipeline.object_key", key);
        }

        public Activity? Span { get; }

        public void Done() => _outcome = "ok";

        public void Dispose()
        {
            PipelineMetrics.ObjectStoreDuration.Record(Stopwatch.GetElapsedTime(_started).TotalSeconds,
                new("pipeline.operation", _operation), new("pipeline.outcome", _outcome));
            Span?.Dispose();
        }
    }
}
