using System.Collections.Concurrent;
using Pipeline.Storage;

namespace Pipeline.ModelZoo.Tests;

/// <summary>A store that counts the writes and reads of each key, passing everything on to <paramref name="inner"/>.</summary>
internal sealed class CountingObjectStore(IObjectStore inner) : IObjectStore
{
    private readonly ConcurrentQueue<string> _puts = new();
    private readonly ConcurrentQueue<string> _reads = new();

    public int Puts(string keyPart) => _puts.Count(key => key.Contains(keyPart, StringComparison.Ordinal));
    public int Reads(string keyPart) => _reads.Count(key => key.Contains(keyPart, StringComparison.Ordinal));

    public Task PutAsync(string key, Stream content, CancellationToken cancellationToken = default)
    {
        _puts.Enqueue(key);
        return inner.PutAsync(key, content, cancellationToken);
    }

    public Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken = default)
    {
        _reads.Enqueue(key);
        return inner.OpenReadAsync(key, cancellationToken);
    }

    public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default) => inner.ExistsAsync(key, cancellationToken);
    public IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken cancellationToken = default) => inner.ListAsync(prefix, cancellationToken);
    public Task DeleteAsync(string key, CancellationToken cancellationToken = default) => inner.DeleteAsync(key, cancellationToken);
}
