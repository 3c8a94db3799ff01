using System.Security.Cryptography;
using Pipeline.Storage;

namespace Pipeline.Datasets;

public static class VerifiedObjects
{
    /// <summary>
    /// The object an entry lists, checked against the entry's length and sha256. Read straight into one array of the
    /// listed length: a 77 MiB shard costs 77 MiB, not the several growing copies a memory stream would make.
    /// </summary>
    /// <param name="kind">What the object is, as the message names it ("Shard").</param>
    /// <param name="listing">Where the entry comes from, as the message names it ("the manifest").</param>
    /// <exception cref="InvalidDataException">The object's content is not what the entry says.</exception>
    public static async Task<byte[]> GetVerifiedBytesAsync(this IObjectStore store, ShardEntry entry, string kind, string listing, CancellationToken cancellationToken)
    {
        await using var content = await store.OpenReadAsync(entry.Key, cancellationToken);
        var bytes = new byte[entry.Bytes];
        var read = await content.ReadAtLeastAsync(bytes, bytes.Length, throwOnEndOfStream: false, cancellationToken);
        if (read != bytes.Length || await content.ReadAsync(new byte[1], cancellationToken) != 0)
            throw new InvalidDataException($"{kind} '{entry.Key}' is corrupt: it is {(read < bytes.Length ? $"{read} bytes long" : "longer")}, {listing} says {entry.Bytes} bytes.");
        var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (sha != entry.Sha256)
            throw new InvalidDataException($"{kind} '{entry.Key}' is corrupt: its sha256 is {sha}, {listing} says {entry.Sha256}.");
        return bytes;
    }
}
