using System.Security.Cryptography;

namespace Pipeline.Tests.Storage;

/// <summary>A read-once, non-seekable stream of <paramref name="length"/> pseudo-random bytes (same seed, same bytes)
/// that hashes what it hands out, so that a big object can be put without the test holding it in memory.</summary>
public sealed class GeneratedStream(long length, int seed = 1) : Stream
{
    private readonly Random _random = new(seed);
    private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _position;
    private bool _hooked;

    /// <summary>An action to run once, when the bytes handed out first reach the given position (to cause an outage mid-put).</summary>
    public (long Position, Action Action)? OnPosition { get; init; }

    /// <summary>SHA-256 of everything read so far (all of it once the stream is at its end).</summary>
    public string Sha256 => Convert.ToHexStringLower(_sha256.GetCurrentHash());

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var count = (int)Math.Min(buffer.Length, length - _position);
        if (count <= 0)
            return 0;
        var chunk = buffer[..count];
        _random.NextBytes(chunk);
        _sha256.AppendData(chunk);
        _position += count;
        if (OnPosition is { } hook && !_hooked && _position >= hook.Position)
        {
            _hooked = true;
            hook.Action();
        }
        return count;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _sha256.Dispose();
        base.Dispose(disposing);
    }

    /// <summary>Reads <paramref name="stream"/> to its end in 64 KiB steps; returns its length and SHA-256.</summary>
    public static async Task<(long Length, string Sha256)> HashAsync(Stream stream)
    {
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[64 * 1024];
        long total = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            sha256.AppendData(buffer, 0, read);
            total += read;
        }
        return (total, Convert.ToHexStringLower(sha256.GetCurrentHash()));
    }
}
