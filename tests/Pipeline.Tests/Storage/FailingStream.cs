namespace Pipeline.Tests.Storage;

/// <summary>Yields a few bytes, then fails like a dropped upload (after running <paramref name="onFailure"/>, when given).</summary>
public sealed class FailingStream(Action? onFailure = null) : MemoryStream([1, 2, 3])
{
    public override int Read(Span<byte> buffer)
    {
        if (Position < 2)
            return base.Read(buffer[..1]);
        onFailure?.Invoke();
        throw new IOException("connection reset");
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromResult(Read(buffer.AsSpan(offset, count)));
}
