using System.Text.Json;
using Pipeline.Contracts;

namespace Pipeline.Storage;

public static class ObjectStoreExtensions
{
    public static async Task PutJsonAsync<T>(this IObjectStore store, string key, T value, CancellationToken cancellationToken = default)
    {
        using var buffer = new MemoryStream();
        await JsonSerializer.SerializeAsync(buffer, value, PipelineJson.Options, cancellationToken);
        buffer.Position = 0;
        await store.PutAsync(key, buffer, cancellationToken);
    }

    public static async Task<T> GetJsonAsync<T>(this IObjectStore store, string key, CancellationToken cancellationToken = default)
    {
        await using var stream = await store.OpenReadAsync(key, cancellationToken);
        return await JsonSerializer.DeserializeAsync<T>(stream, PipelineJson.Options, cancellationToken)
               ?? throw new InvalidDataException($"Object '{key}' holds JSON null.");
    }

    public static async Task PutBytesAsync(this IObjectStore store, string key, byte[] bytes, CancellationToken cancellationToken = default)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        await store.PutAsync(key, stream, cancellationToken);
    }

    public static async Task<byte[]> GetBytesAsync(this IObjectStore store, string key, CancellationToken cancellationToken = default)
    {
        await using var stream = await store.OpenReadAsync(key, cancellationToken);
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }

    public static async Task PutFileAsync(this IObjectStore store, string key, string localPath, CancellationToken cancellationToken = default)
    {
        await using var file = File.OpenRead(localPath);
        await store.PutAsync(key, file, cancellationToken);
    }

    /// <summary>
    /// The object as a seekable stream (formats with an index, such as safetensors and zip, need one): the store's own
    /// stream when it seeks, otherwise a copy in a temp file that is deleted when the stream is closed.
    /// </summary>
    public static async Task<Stream> OpenSeekableAsync(this IObjectStore store, string key, CancellationToken cancellationToken = default)
    {
        var stream = await store.OpenReadAsync(key, cancellationToken);
        if (stream.CanSeek)
            return stream;
        await using (stream)
        {
            var copy = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
            try
            {
                await stream.CopyToAsync(copy, cancellationToken);
                copy.Position = 0;
                return copy;
            }
            catch
            {
                await copy.DisposeAsync();
                throw;
            }
        }
    }
}
