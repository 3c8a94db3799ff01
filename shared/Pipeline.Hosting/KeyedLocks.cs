namespace Pipeline.Hosting;

/// <summary>
/// Work on one key runs one at a time in this process: a fixed set of locks, one picked by the key's hash, so memory
/// stays bounded however many keys come and go (two keys may share a lock, and then simply take turns).
/// </summary>
public sealed class KeyedLocks
{
    private readonly SemaphoreSlim[] _locks = [.. Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1))];

    /// <returns>The lock held until disposed.</returns>
    public async Task<IDisposable> LockAsync<TKey>(TKey key, CancellationToken cancellationToken) where TKey : notnull
    {
        var held = _locks[(EqualityComparer<TKey>.Default.GetHashCode(key) & int.MaxValue) % _locks.Length];
        await held.WaitAsync(cancellationToken);
        return new Held(held);
    }

    private sealed class Held(SemaphoreSlim held) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
                held.Release();
        }
    }
}
