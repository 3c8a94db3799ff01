using System.Buffers.Binary;
using Pipeline.Shards;
using Pipeline.Storage;

namespace Pipeline.Datasets;

/// <summary>One shard in memory, its records read in place (no copy of the pixels).</summary>
public sealed class ShardImages : ILabelledImages
{
    private readonly byte[] _bytes;
    private readonly int _recordSize;

    private ShardImages(byte[] bytes, ShardHeader header)
    {
        _bytes = bytes;
        (Width, Height, Count) = (header.Width, header.Height, header.Count);
        _recordSize = ShardFormat.RecordSize(Width, Height);
    }

    public int Count { get; }
    public int Width { get; }
    public int Height { get; }

    public ReadOnlySpan<byte> Image(int index) => _bytes.AsSpan(Record(index) + ShardFormat.LabelSize, _recordSize - ShardFormat.LabelSize);
    public int Label(int index) => BinaryPrimitives.ReadInt32LittleEndian(_bytes.AsSpan(Record(index), ShardFormat.LabelSize));

    private int Record(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return ShardFormat.HeaderSize + index * _recordSize;
    }

    /// <summary>Reads a shard, checking it against the manifest's sha256 and image count.</summary>
    /// <exception cref="InvalidDataException">The shard is not what the manifest says.</exception>
    public static async Task<ShardImages> LoadAsync(IObjectStore store, ShardEntry shard, CancellationToken cancellationToken)
    {
        var bytes = await store.GetVerifiedBytesAsync(shard, "Shard", "the manifest", cancellationToken);
        var header = new ShardReader(new MemoryStream(bytes, writable: false)).Header;
        if (header.Count != shard.Count)
            throw new InvalidDataException($"Shard '{shard.Key}' holds {header.Count} images; the manifest says {shard.Count}.");
        if (bytes.Length != ShardFormat.HeaderSize + (long)header.Count * ShardFormat.RecordSize(header.Width, header.Height))
            throw new InvalidDataException($"Shard '{shard.Key}' is {bytes.Length} bytes long; {header.Count} images of {header.Width}x{header.Height} need another length.");
        return new ShardImages(bytes, header);
    }
}
