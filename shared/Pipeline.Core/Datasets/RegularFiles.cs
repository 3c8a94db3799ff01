namespace Pipeline.Datasets;

/// <summary>
/// Reads a file a user named (on a command line): only a regular file (a FIFO or a device is refused, never waited on
/// or read for ever), and never more than a cap.
/// </summary>
public static class RegularFiles
{
    /// <exception cref="IOException">Not a regular file, over <paramref name="maxBytes"/>, or unreadable; the message says which.</exception>
    public static byte[] ReadAllBytes(string path, long maxBytes)
    {
        using var handle = UnixFiles.OpenRegularFile(path);
        var length = RandomAccess.GetLength(handle);
        if (length > maxBytes)
            throw new IOException($"the file is over {maxBytes / (1024 * 1024)} MiB, the size limit");
        var bytes = new byte[length];
        var read = 0;
        while (read < length && RandomAccess.Read(handle, bytes.AsSpan(read), read) is var count and > 0)
            read += count;
        return read == length ? bytes : bytes[..read];
    }
}
