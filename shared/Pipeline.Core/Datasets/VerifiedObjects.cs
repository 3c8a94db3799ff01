using System.Security.Cryptography;
using Pipeline.Storage;

namespace Pipeline.Datasets;

public static class VerifiedObjects
{
    /// <summary>The object an entry lists, checked against the entry's sha256.</summary>
    /// <param name="kind">What the object is, as the message names it ("Shard").</param>
    /// <param name="listing">Where the entry comes from, as the message names it ("the manifest").</param>
    /// <exception cref="InvalidDataException">The object's content is not what the entry says.</exception>
    public static async Task<byte[]> GetVerifiedBytesAsync(this IObjectStore store, ShardEntry entry, string kind, string listing, CancellationToken cancellationToken)
    {
        var bytes = await store.GetBytesAsync(entry.Key, cancellationToken);
        var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (sha != entry.Sha256)
            throw new InvalidDataException($"{kind} '{entry.Key}' is corrupt: its sha256 is {sha}, {listing} says {entry.Sha256}.");
        return bytes;
    }
}
