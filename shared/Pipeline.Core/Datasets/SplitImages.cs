using System.Security.Cryptography;
using Pipeline.Shards;
using Pipeline.Storage;

namespace Pipeline.Datasets;

/// <summary>All images of one split in memory: uint8 HWC RGB, image i at <c>Pixels[i * PixelsPerImage..]</c>.</summary>
public sealed class SplitImages(byte[] pixels, int[] labels, int width, int height)
{
    public byte[] Pixels { get; } = pixels;
    public int[] Labels { get; } = labels;
    public int Width { get; } = width;
    public int Height { get; } = height;
    public int Count => Labels.Length;
    public int PixelsPerImage => ShardFormat.PixelCount(Width, Height);

    public ReadOnlySpan<byte> Image(int index) => Pixels.AsSpan(index * PixelsPerImage, PixelsPerImage);

    /// <summary>Reads every shard of a split, checking each against the manifest's sha256 and count.</summary>
    public static async Task<SplitImages> LoadAsync(IObjectStore store, DatasetManifest manifest, string split, CancellationToken cancellationToken = default)
    {
        var entry = manifest[split];
        var perImage = ShardFormat.PixelCount(manifest.ImageWidth, manifest.ImageHeight);
        var pixels = new byte[(long)entry.Count * perImage];
        var labels = new int[entry.Count];
        var offset = 0;
        foreach (var shard in entry.Shards)
        {
            var bytes = await store.GetBytesAsync(shard.Key, cancellationToken);
            var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
            if (sha != shard.Sha256)
                throw new InvalidDataException($"Shard '{shard.Key}' is corrupt: its sha256 is {sha}, the manifest says {shard.Sha256}.");
            var reader = new ShardReader(new MemoryStream(bytes, writable: false));
            if (reader.Header.Count != shard.Count || offset + shard.Count > entry.Count)
                throw new InvalidDataException($"Shard '{shard.Key}' holds {reader.Header.Count} images; the manifest says {shard.Count}.");
            var read = reader.ReadBatch(pixels.AsSpan(offset * perImage, shard.Count * perImage), labels.AsSpan(offset, shard.Count));
            offset += read;
        }
        if (offset != entry.Count)
            throw new InvalidDataException($"Split '{split}' has {offset} images in its shards; the manifest says {entry.Count}.");
        return new SplitImages(pixels, labels, manifest.ImageWidth, manifest.ImageHeight);
    }
}
