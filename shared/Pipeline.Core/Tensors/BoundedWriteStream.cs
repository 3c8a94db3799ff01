namespace Pipeline.Tensors;

/// <summary>
/// A write-only view of another stream that counts what is written and refuses to go past a limit: it hands a
/// tensor's data callback the destination without letting it write more bytes than the header declared.
/// </summary>
internal sealed class BoundedWriteStream(Stream inner, long limit, string tensorName) : Stream
{
    public long Written { get; private set; }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => Written; set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (buffer.Length > limit - Written)
            throw new InvalidOperationException($"The data callback of tensor '{tensorName}' wrote more than the {limit} bytes its shape and dtype need.");
        inner.Write(buffer);
        Written += buffer.Length;
    }

    public override void WriteByte(byte value) => Write([value]);

    public override void Flush() => inner.Flush();
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
