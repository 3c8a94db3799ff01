using System.IO.Pipelines;

namespace Pipeline.Storage;

/// <summary>
/// The body of an S3 object as it arrives. The download writes into a bounded <see cref="Pipe"/> (it pauses while the
/// reader is behind, so memory stays at the pipe's threshold whatever the object's size); reads take from the pipe.
/// If the connection fails mid-body, the next read throws an <see cref="IOException"/> naming the key. Disposing stops
/// the download.
/// </summary>
public sealed class S3ObjectReadStream : Stream
{
    private readonly Stream _body;
    private readonly CancellationTokenSource _download;
    private int _disposed;

    public S3ObjectReadStream(PipeReader reader, CancellationTokenSource download)
    {
        _body = reader.AsStream();
        _download = download;
    }

    public override bool CanRead => _disposed == 0;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException("An S3 object stream cannot seek.");
    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => _body.Read(buffer, offset, count);

    public override int Read(Span<byte> buffer) => _body.Read(buffer);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        _body.ReadAsync(buffer, offset, count, cancellationToken);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        _body.ReadAsync(buffer, cancellationToken);

    public override Task CopyToAsync(Stream destination, int bufferSize, CancellationToken cancellationToken) =>
        _body.CopyToAsync(destination, bufferSize, cancellationToken);

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _body.Dispose(); // completes the reader: a paused download sees it and stops writing
            _download.Cancel();
            _download.Dispose();
        }
        base.Dispose(disposing);
    }
}
