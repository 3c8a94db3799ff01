namespace Pipeline.Datasets;

/// <summary>
/// Reads files only when they are regular files: a FIFO or a device, named by a user or swapped in for a listed file,
/// is refused, never waited on or read for ever.
/// </summary>
public static class RegularFiles
{
    /// <exception cref="IOException">The path does not lead to a regular file, or cannot be opened.</exception>
    public static FileStream OpenRead(string path) => new(UnixFiles.OpenRegularFile(path), FileAccess.Read, 1 << 16);

    /// <summary>The whole file, at most <paramref name="maxBytes"/> (a regular file's length is what it holds).</summary>
    /// <exception cref="IOException">Not a regular file, over <paramref name="maxBytes"/>, or unreadable; the message says which.</exception>
    public static byte[] ReadAllBytes(string path, long maxBytes)
    {
        using var file = OpenRead(path);
        var length = file.Length;
        if (length > maxBytes)
            throw new IOException($"the file is over {maxBytes / (1024 * 1024)} MiB, the size limit");
        var bytes = new byte[length];
        var read = 0;
        while (read < length && file.Read(bytes.AsSpan(read)) is var count and > 0)
            read += count;
        return read == length ? bytes : bytes[..read];
    }
}
