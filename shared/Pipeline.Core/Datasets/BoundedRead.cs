namespace Pipeline.Datasets;

/// <summary>Reads a whole stream, but never more than a cap, whatever the file claims about its size.</summary>
internal static class BoundedRead
{
    public static async Task<byte[]> AllBytesAsync(Stream stream, long maxBytes, string name, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
                throw new InvalidDataException($"'{name}' is larger than the {maxBytes}-byte limit.");
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
