using System.Buffers.Binary;

namespace Pipeline.Shards;

/// <summary>
/// A shard made while it is read: the header, then one record at a time, its pixels fetched on demand. A store copies it
/// without the whole shard ever being in memory (a 512-image shard is 77 MB); a <see cref="Datasets.HashingReadStream"/>
/// around it hashes it on the way.
/// </summary>
public sealed class ShardContent : Stream
{
    private readonly IReadOnlyList<int> _labels;
    private readonly Action<int, Span<byte>> _readPixels;
    private readonly int _pixelCount;
    private readonly byte[] _chunk;
    private int _chunkLength = ShardFormat.HeaderSize;
    private int _chunkPosition;
    private int _nextRecord;
    private long _position;

    /// <param name="labels">Each record's label, in order.</param>
    /// <param name="readPixels">Fills record i's RGB pixels (height*width*3 bytes, row-major HWC).</param>
    public ShardContent(int width, int height, IReadOnlyList<int> labels, Action<int, Span<byte>> readPixels)
    {
        foreach (var label in labels)
            ArgumentOutOfRangeException.ThrowIfNegative(label, nameof(labels));
        _labels = labels;
        _readPixels = readPixels;
        _pixelCount = ShardFormat.PixelCount(width, height);
        _chunk = new byte[Math.Max(ShardFormat.HeaderSize, ShardFormat.RecordSize(width, height))];
        ShardFormat.WriteHeader(_chunk, new ShardHeader(width, height, labels.Count));
        Length = ShardFormat.HeaderSize + (long)labels.Count * ShardFormat.RecordSize(width, height);
    }

    public override long Length { get; }

    public override int Read(Span<byte> buffer)
    {
        var copied = 0;
        while (copied < buffer.Length && (_chunkPosition < _chunkLength || NextRecord()))
        {
            var count = Math.Min(buffer.Length - copied, _chunkLength - _chunkPosition);
            _chunk.AsSpan(_chunkPosition, count).CopyTo(buffer[copied..]);
            _chunkPosition += count;
            copied += count;
        }
        _position += copied;
        return copied;
    }

    private bool NextRecord()
    {
        if (_nextRecord == _labels.Count)
            return false;
        BinaryPrimitives.WriteInt32LittleEndian(_chunk, _labels[_nextRecord]);
        _readPixels(_nextRecord, _chunk.AsSpan(ShardFormat.LabelSize, _pixelCount));
        _chunkLength = ShardFormat.LabelSize + _pixelCount;
        _chunkPosition = 0;
        _nextRecord++;
        return true;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    // Producing a record is memory copies and a local read: there is nothing to wait for.
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Read(buffer.Span));
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException("A shard is made as it is read, from its start to its end.");
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("A shard is made as it is read, from its start to its end.");
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
