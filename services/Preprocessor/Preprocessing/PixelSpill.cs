using Microsoft.Win32.SafeHandles;

namespace Pipeline.Preprocessor.Preprocessing;

/// <summary>
/// Decoded pixels on local disk, one fixed-size slot per candidate image: the split needs to know which images are
/// usable before any shard is written, and holding every decoded image in memory would not scale. The file has no name
/// while it is used, so no crash can leave it behind.
/// </summary>
internal sealed class PixelSpill : IDisposable
{
    private readonly SafeFileHandle _handle;

    private PixelSpill(SafeFileHandle handle, int pixelBytes)
    {
        _handle = handle;
        PixelBytes = pixelBytes;
    }

    public int PixelBytes { get; }

    public static PixelSpill Create(string? workDirectory, int pixelBytes, string fingerprint)
    {
        var folder = workDirectory ?? Path.GetTempPath();
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, $"pipeline-{fingerprint}-{Guid.NewGuid():N}.pixels");
        var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);
        // Unlinked at once: the open handle keeps the data, and nothing is left behind however the process ends (kill -9 included).
        File.Delete(path);
        return new PixelSpill(handle, pixelBytes);
    }

    public void Write(int slot, ReadOnlySpan<byte> pixels) => RandomAccess.Write(_handle, pixels[..PixelBytes], (long)slot * PixelBytes);

    public void Read(int slot, Span<byte> pixels)
    {
        var offset = (long)slot * PixelBytes;
        for (var filled = 0; filled < PixelBytes;)
        {
            var read = RandomAccess.Read(_handle, pixels[filled..PixelBytes], offset + filled);
            if (read == 0)
                throw new InvalidDataException($"The pixel spill file ended before slot {slot} was complete.");
            filled += read;
        }
    }

    public void Dispose() => _handle.Dispose();
}
