using Pipeline.Datasets.Streaming;
using Pipeline.Shards;
using Pipeline.Storage;

namespace Pipeline.Datasets;

/// <summary>
/// All images of a small split in memory: uint8 HWC RGB, image i at <c>Pixels[i * PixelsPerImage..]</c>. For a few
/// images (files given to <c>evaluate</c>, tests); training and evaluation stream shards instead (<see cref="SplitStream"/>).
/// </summary>
public sealed class SplitImages(byte[] pixels, int[] labels, int width, int height) : ILabelledImages
{
    public byte[] Pixels { get; } = pixels;
    public int[] Labels { get; } = labels;
    public int Width { get; } = width;
    public int Height { get; } = height;
    public int Count => Labels.Length;
    public int PixelsPerImage => ShardFormat.PixelCount(Width, Height);

    public ReadOnlySpan<byte> Image(int index) => Pixels.AsSpan(index * PixelsPerImage, PixelsPerImage);
    public int Label(int index) => Labels[index];

    /// <summary>The images in order, <paramref name="batchSize"/> at a time.</summary>
    public IEnumerable<IReadOnlyList<ChunkItem<SplitImages>>> Batches(int batchSize) =>
        Enumerable.Range(0, Count).Select(index => new ChunkItem<SplitImages>(this, index)).Chunk(batchSize);

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
            var images = await ShardImages.LoadAsync(store, shard, cancellationToken);
            if (offset + images.Count > entry.Count)
                throw new InvalidDataException($"Split '{split}' has more images in its shards than the manifest's {entry.Count}.");
            for (var i = 0; i < images.Count; i++, offset++)
            {
                images.Image(i).CopyTo(pixels.AsSpan(offset * perImage, perImage));
                labels[offset] = images.Label(i);
            }
        }
        if (offset != entry.Count)
            throw new InvalidDataException($"Split '{split}' has {offset} images in its shards; the manifest says {entry.Count}.");
        return new SplitImages(pixels, labels, manifest.ImageWidth, manifest.ImageHeight);
    }
}
