using System.Security.Cryptography;
using Pipeline.Contracts;
using Pipeline.Storage;

namespace Pipeline.Weights;

/// <summary>Copies a local weights file into the object store, once per content, so that workers can be told <c>store:&lt;key&gt;</c>.</summary>
public static class WeightsImport
{
    /// <summary>The reference the file will have once imported (it names the file by its content).</summary>
    public static async Task<string> ReferenceAsync(string path, CancellationToken cancellationToken = default) =>
        WeightsReference.Store(await KeyAsync(path, cancellationToken));

    /// <returns>The weights reference to put in a specification.</returns>
    public static async Task<string> ImportAsync(IObjectStore store, string path, CancellationToken cancellationToken = default)
    {
        var key = await KeyAsync(path, cancellationToken);
        if (!await store.ExistsAsync(key, cancellationToken))
            await store.PutFileAsync(key, path, cancellationToken);
        return WeightsReference.Store(key);
    }

    private static async Task<string> KeyAsync(string path, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(path);
        return ObjectKeys.Weights(Convert.ToHexStringLower(await SHA256.HashDataAsync(file, cancellationToken)));
    }
}
