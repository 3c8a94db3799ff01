using System.Buffers.Binary;

namespace Pipeline.Shards;

/// <summary>Streams records out of a shard without loading it whole. The caller owns the stream.</summary>
public sealed class ShardReader
{
    private readonly Stream _stream;
    private readonly byte[] _label = new byte[ShardFormat.LabelSize];
    private int _read;

    public ShardReader(Stream stream)
    {
        _stream = stream;
        Span<byte> header = stackalloc byte[ShardFormat.HeaderSize];
        _stream.ReadExactly(header);
        Header = ShardFormat.ReadHeader(header);
    }

    public ShardHeader Header { get; }
    public int PixelsPerImage => ShardFormat.PixelCount(Header.Width, Header.Height);
    public int Remaining => Header.Count - _read;

    /// <summary>Reads the next record's pixels into <paramref name="pixels"/>; false at the end of the shard.</summary>
    public bool TryRead(Span<byte> pixels, out int label)
    {
        label = -1;
        if (_read == Header.Count)
            return false;
        if (pixels.Length < PixelsPerImage)
            throw new ArgumentException($"The buffer holds {pixels.Length} bytes; an image needs {PixelsPerImage}.", nameof(pixels));
        try
        {
            _stream.ReadExactly(_label);
            _stream.ReadExactly(pixels[..PixelsPerImage]);
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException($"Shard is truncated: its header promises {Header.Count} images, it ends after {_read}.");
        }
        label = BinaryPrimitives.ReadInt32LittleEndian(_label);
        _read++;
        return true;
    }

    /// <summary>Reads up to <paramref name="labels"/>.Length records into contiguous buffers; returns how many.</summary>
    public int ReadBatch(Span<byte> pixels, Span<int> labels)
    {
        var n = 0;
        while (n < labels.Length && TryRead(pixels.Slice(n * PixelsPerImage, PixelsPerImage), out var label))
            labels[n++] = label;
        return n;
    }
}
