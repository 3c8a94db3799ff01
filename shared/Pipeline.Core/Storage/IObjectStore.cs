namespace Pipeline.Storage;

/// <summary>
/// A flat key/value store for blobs (datasets, shards, manifests, checkpoints, reports). A folder serves embedded
/// mode; an S3 bucket serves distributed mode. Keys use '/' and obey <see cref="ObjectKey"/>.
/// </summary>
public interface IObjectStore
{
    /// <summary>Stores <paramref name="content"/> under <paramref name="key"/>, replacing any object atomically:
    /// readers see the old object or the new one, never a partial one.</summary>
    Task PutAsync(string key, Stream content, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores <paramref name="content"/> only when no object has <paramref name="key"/>: the first complete write wins, and
    /// false means another writer's object was there. This default checks and then writes, so two racing writers may both
    /// write (each object complete, the last one kept); stores that can refuse an existing key atomically override it.
    /// </summary>
    async Task<bool> PutIfAbsentAsync(string key, Stream content, CancellationToken cancellationToken = default)
    {
        if (await ExistsAsync(key, cancellationToken))
            return false;
        await PutAsync(key, content, cancellationToken);
        return true;
    }

    /// <exception cref="ObjectNotFoundException">No object has that key.</exception>
    Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken = default);

    Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>The object's length in bytes. This default reads the object when its stream cannot tell; stores that keep sizes override it.</summary>
    /// <exception cref="ObjectNotFoundException">No object has that key.</exception>
    async Task<long> SizeAsync(string key, CancellationToken cancellationToken = default)
    {
        await using var stream = await OpenReadAsync(key, cancellationToken);
        if (stream.CanSeek)
            return stream.Length;
        var length = 0L;
        var buffer = new byte[1 << 16];
        for (int read; (read = await stream.ReadAsync(buffer, cancellationToken)) > 0;)
            length += read;
        return length;
    }

    /// <summary>Keys that start with <paramref name="prefix"/>, in ordinal order.</summary>
    IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken cancellationToken = default);

    /// <summary>Removes an object; removing a missing object is not an error.</summary>
    Task DeleteAsync(string key, CancellationToken cancellationToken = default);
}
