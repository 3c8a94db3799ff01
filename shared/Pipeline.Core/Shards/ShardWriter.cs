using System.Buffers.Binary;

namespace Pipeline.Shards;

/// <summary>
/// Appends records to a seekable stream (usually a temp file); <see cref="Complete"/> writes the final
/// count into the header. The caller owns the stream.
/// </summary>
public sealed class ShardWriter
{
    private readonly Stream _stream;
    private readonly int _width;
    private readonly int _height;
    private readonly byte[] _label = new byte[ShardFormat.LabelSize];
    private bool _completed;

    public ShardWriter(Stream stream, int width, int height)
    {
        if (!stream.CanSeek || !stream.CanWrite)
            throw new ArgumentException("A shard is written to a seekable, writable stream.", nameof(stream));
        _stream = stream;
        _width = width;
        _height = height;
        Span<byte> header = stackalloc byte[ShardFormat.HeaderSize];
        ShardFormat.WriteHeader(header, new ShardHeader(width, height, 0));
        _stream.Write(header);
    }

    public int Count { get; private set; }

    public void Add(int label, ReadOnlySpan<byte> rgbPixels)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        if (rgbPixels.Length != ShardFormat.PixelCount(_width, _height))
            throw new ArgumentException($"Expected {_width}x{_height} RGB pixels ({ShardFormat.PixelCount(_width, _height)} bytes), got {rgbPixels.Length}.", nameof(rgbPixels));
        ArgumentOutOfRangeException.ThrowIfNegative(label);
        BinaryPrimitives.WriteInt32LittleEndian(_label, label);
        _stream.Write(_label);
        _stream.Write(rgbPixels);
        Count++;
    }

    /// <summary>Patches the record count into the header and leaves the stream positioned at its start.</summary>
    public void Complete()
    {
        if (_completed)
            return;
        _completed = true;
        Span<byte> header = stackalloc byte[ShardFormat.HeaderSize];
        ShardFormat.WriteHeader(header, new ShardHeader(_width, _height, Count));
        _stream.Flush();
        _stream.Position = 0;
        _stream.Write(header);
        _stream.Flush();
        _stream.Position = 0;
    }
}
