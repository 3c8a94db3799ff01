namespace Pipeline.Tests.Tensors;

/// <summary>
/// A read-only, seekable stream that claims <paramref name="length"/> bytes but holds only <paramref name="prefix"/>,
/// reading zeros after it: a "file" of gigabytes that costs nothing, to check a reader allocates only what it must.
/// </summary>
internal sealed class SparseReadStream(byte[] prefix, long length) : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override long Length => length;
    public override long Position { get; set; }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var count = (int)Math.Min(buffer.Length, Math.Max(0, length - Position));
        for (var i = 0; i < count; i++)
            buffer[i] = Position + i < prefix.Length ? prefix[Position + i] : (byte)0;
        Position += count;
        return count;
    }

    public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => Position + offset,
        _ => length + offset,
    };

    public override void Flush() { }
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
