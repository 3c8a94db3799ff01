using System.Buffers.Binary;

namespace Pipeline.Tensors;

/// <summary>
/// Reads a safetensors file from a seekable stream, starting at the stream's current position. The constructor reads
/// and validates the whole header before it allocates anything the file declares: the header buffer only once its
/// length is known to be within <see cref="SafetensorsFormat.MaxHeaderLength"/> and within the stream, and tensor
/// buffers only once every tensor is known to lie inside the data. The caller owns the stream.
/// </summary>
public sealed class SafetensorsReader
{
    private readonly Stream _stream;
    private readonly long _start;

    /// <exception cref="InvalidDataException">The stream is not a valid safetensors file; the message says why.</exception>
    public SafetensorsReader(Stream stream)
    {
        if (!stream.CanSeek || !stream.CanRead)
            throw new ArgumentException("A safetensors file is read from a seekable, readable stream (copy it to a file or a MemoryStream first).", nameof(stream));
        _stream = stream;
        _start = stream.Position;
        var available = stream.Length - _start;

        Span<byte> prefix = stackalloc byte[SafetensorsFormat.LengthPrefixSize];
        if (available < prefix.Length)
            throw new InvalidDataException($"Not a safetensors file: it is {available} bytes long, too short for the {prefix.Length}-byte header length.");
        ReadExactly(prefix, "the header length");
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > SafetensorsFormat.MaxHeaderLength)
            throw new InvalidDataException($"The safetensors header length is {headerLength} bytes, more than the {SafetensorsFormat.MaxHeaderLength}-byte limit (not a safetensors file, or a hostile one).");
        if ((long)headerLength > available - prefix.Length)
            throw new InvalidDataException($"The safetensors header length is {headerLength} bytes but only {available - prefix.Length} bytes follow it; the file is truncated or not a safetensors file.");

        var header = new byte[headerLength];
        ReadExactly(header, "the header");
        Header = SafetensorsHeaderParser.Parse(header, available - prefix.Length - header.Length);
    }

    public SafetensorsHeader Header { get; }
    public IReadOnlyDictionary<string, string> Metadata => Header.Metadata;

    /// <summary>The tensors by increasing data offset.</summary>
    public IReadOnlyList<SafetensorsTensorInfo> Tensors => Header.Tensors;

    /// <summary>Reads tensor <paramref name="name"/>'s bytes (row-major, little-endian) into <paramref name="destination"/>,
    /// which must be exactly <see cref="SafetensorsTensorInfo.ByteLength"/> long.</summary>
    /// <exception cref="KeyNotFoundException">No tensor has that name.</exception>
    /// <exception cref="InvalidDataException">The stream ended early (it shrank after the header was read).</exception>
    public void ReadTensor(string name, Span<byte> destination)
    {
        var tensor = Header.GetTensor(name);
        if (destination.Length != tensor.ByteLength)
            throw new ArgumentException($"Tensor '{name}' is {tensor.ByteLength} bytes; the destination holds {destination.Length}.", nameof(destination));
        _stream.Position = _start + Header.DataStart + tensor.Begin;
        ReadExactly(destination, $"tensor '{name}'");
    }

    /// <summary>Reads tensor <paramref name="name"/>'s bytes into a new array.</summary>
    /// <exception cref="KeyNotFoundException">No tensor has that name.</exception>
    /// <exception cref="NotSupportedException">The tensor is too large for one array.</exception>
    public byte[] ReadTensorBytes(string name)
    {
        var tensor = Header.GetTensor(name);
        if (tensor.ByteLength > Array.MaxLength)
            throw new NotSupportedException($"Tensor '{name}' is {tensor.ByteLength} bytes, more than one array can hold.");
        var bytes = new byte[tensor.ByteLength];
        ReadTensor(name, bytes);
        return bytes;
    }

    /// <summary>Copies the data section (every tensor's bytes, as laid out after the header) to <paramref name="destination"/>.</summary>
    /// <exception cref="InvalidDataException">The stream ended early (it shrank after the header was read).</exception>
    public void CopyDataTo(Stream destination)
    {
        _stream.Position = _start + Header.DataStart;
        var buffer = new byte[1 << 20];
        for (var left = Header.DataLength; left > 0;)
        {
            var chunk = buffer.AsSpan(0, (int)Math.Min(buffer.Length, left));
            ReadExactly(chunk, "the tensor data");
            destination.Write(chunk);
            left -= chunk.Length;
        }
    }

    private void ReadExactly(Span<byte> buffer, string what)
    {
        try
        {
            _stream.ReadExactly(buffer);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"The safetensors file is truncated: it ends inside {what}.", e);
        }
    }
}
