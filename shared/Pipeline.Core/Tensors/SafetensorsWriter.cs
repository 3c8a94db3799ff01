using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Pipeline.Tensors;

/// <summary>
/// Collects metadata and tensors, then writes a safetensors file. Output is deterministic and laid out as the
/// reference implementation lays it out: tensors by descending dtype alignment then by name (UTF-8 byte order), so
/// each tensor's data sits at a multiple of its element size; compact JSON with <c>__metadata__</c> first (its keys
/// sorted too); the header padded with spaces to a multiple of <see cref="SafetensorsFormat.HeaderAlignment"/>.
/// </summary>
public sealed class SafetensorsWriter
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private readonly List<Entry> _tensors = [];
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    /// <summary>The <c>__metadata__</c> entries (string to string). Written only when there is at least one.</summary>
    public IDictionary<string, string> Metadata { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    public int Count => _tensors.Count;

    /// <summary>Adds a tensor whose bytes (row-major, little-endian) are in <paramref name="data"/>, which is read when the file is written.</summary>
    public SafetensorsWriter Add(string name, SafetensorsDType dtype, IReadOnlyList<long> shape, ReadOnlyMemory<byte> data)
    {
        var entry = NewEntry(name, dtype, shape);
        if (data.Length != entry.ByteLength)
            throw new ArgumentException($"Tensor '{name}' of shape {SafetensorsFormat.ShapeText(shape)} and {dtype.Name()} needs {entry.ByteLength} bytes; got {data.Length}.", nameof(data));
        return Keep(entry with { Data = data });
    }

    /// <summary>
    /// Adds a tensor whose bytes <paramref name="writeData"/> writes to the stream it is given, when the file is written,
    /// without an intermediate copy. It must write exactly product(shape) times the element size bytes; writing more
    /// throws at once, fewer throws when it returns.
    /// </summary>
    public SafetensorsWriter Add(string name, SafetensorsDType dtype, IReadOnlyList<long> shape, Action<Stream> writeData)
    {
        ArgumentNullException.ThrowIfNull(writeData);
        return Keep(NewEntry(name, dtype, shape) with { WriteData = writeData });
    }

    /// <summary>Writes the file to <paramref name="destination"/> from its current position.</summary>
    /// <exception cref="InvalidOperationException">The header would exceed <see cref="SafetensorsFormat.MaxHeaderLength"/>, or a
    /// data callback wrote the wrong number of bytes (what was written so far is not a valid file).</exception>
    public void WriteTo(Stream destination)
    {
        var ordered = Ordered();
        var header = Header(ordered);
        Span<byte> prefix = stackalloc byte[SafetensorsFormat.LengthPrefixSize];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)header.Length);
        destination.Write(prefix);
        destination.Write(header);
        WriteData(ordered, destination);
    }

    /// <summary>Writes only the data section (every tensor's bytes, as <see cref="WriteTo"/> lays them out after the
    /// header), e.g. to hash it before the header that will hold the hash is written.</summary>
    public void WriteDataTo(Stream destination) => WriteData(Ordered(), destination);

    private List<Entry> Ordered() => _tensors.OrderByDescending(entry => entry.DType).ThenBy(entry => entry.Utf8Name, Utf8Order.Instance).ToList();

    private static void WriteData(List<Entry> ordered, Stream destination)
    {
        foreach (var entry in ordered)
        {
            if (entry.WriteData is null)
            {
                destination.Write(entry.Data.Span);
                continue;
            }
            var bounded = new BoundedWriteStream(destination, entry.ByteLength, entry.Name);
            entry.WriteData(bounded);
            if (bounded.Written != entry.ByteLength)
                throw new InvalidOperationException($"The data callback of tensor '{entry.Name}' wrote {bounded.Written} bytes; its shape and dtype need {entry.ByteLength}.");
        }
        destination.Flush();
    }

    /// <summary>Writes the file into a new array; for small files and tests.</summary>
    public byte[] ToArray()
    {
        using var buffer = new MemoryStream();
        WriteTo(buffer);
        return buffer.ToArray();
    }

    private Entry NewEntry(string name, SafetensorsDType dtype, IReadOnlyList<long> shape)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(shape);
        _ = dtype.ElementSize(); // refuses a value outside the enum
        if (name == SafetensorsFormat.MetadataKey)
            throw new ArgumentException($"'{SafetensorsFormat.MetadataKey}' is the metadata key; no tensor may have that name.", nameof(name));
        if (_names.Contains(name))
            throw new ArgumentException($"A tensor named '{name}' was already added.", nameof(name));
        var dimensions = shape.ToArray();
        if (dimensions.Any(dimension => dimension < 0))
            throw new ArgumentOutOfRangeException(nameof(shape), $"Tensor '{name}' has shape {SafetensorsFormat.ShapeText(dimensions)}; dimensions must be non-negative.");
        if (!SafetensorsFormat.TryByteLength(dtype, dimensions, out var byteLength))
            throw new ArgumentOutOfRangeException(nameof(shape), $"Tensor '{name}' has shape {SafetensorsFormat.ShapeText(dimensions)} of {dtype.Name()}, whose byte count overflows a 64-bit integer.");
        return new Entry(name, Utf8(name, "tensor name"), dtype, dimensions, byteLength);
    }

    private SafetensorsWriter Keep(Entry entry)
    {
        _names.Add(entry.Name);
        _tensors.Add(entry);
        return this;
    }

    /// <summary>Compact JSON as serde_json writes it, padded with spaces to the alignment.</summary>
    private byte[] Header(List<Entry> ordered)
    {
        var json = new MemoryStream();
        json.WriteByte((byte)'{');
        var first = true;
        if (Metadata.Count > 0)
        {
            WriteString(json, Utf8(SafetensorsFormat.MetadataKey, "metadata key"));
            json.Write(":{"u8);
            var entries = Metadata.Select(item => (Key: Utf8(item.Key, "metadata key"), Value: Utf8(item.Value, $"metadata value of '{item.Key}'")))
                .OrderBy(item => item.Key, Utf8Order.Instance);
            var firstItem = true;
            foreach (var (key, value) in entries)
            {
                if (!firstItem)
                    json.WriteByte((byte)',');
                firstItem = false;
                WriteString(json, key);
                json.WriteByte((byte)':');
                WriteString(json, value);
            }
            json.WriteByte((byte)'}');
            first = false;
        }
        long offset = 0;
        foreach (var entry in ordered)
        {
            if (!first)
                json.WriteByte((byte)',');
            first = false;
            WriteString(json, entry.Utf8Name);
            json.Write(":{\"dtype\":\""u8);
            json.Write(Encoding.ASCII.GetBytes(entry.DType.Name()));
            json.Write("\",\"shape\":["u8);
            json.Write(Encoding.ASCII.GetBytes(string.Join(",", entry.Shape.Select(dimension => dimension.ToString(CultureInfo.InvariantCulture)))));
            json.Write("],\"data_offsets\":["u8);
            json.Write(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{offset},{offset + entry.ByteLength}")));
            json.Write("]}"u8);
            offset += entry.ByteLength;
        }
        json.WriteByte((byte)'}');
        while (json.Length % SafetensorsFormat.HeaderAlignment != 0)
            json.WriteByte((byte)' ');
        if (json.Length > SafetensorsFormat.MaxHeaderLength)
            throw new InvalidOperationException($"The safetensors header would be {json.Length} bytes, more than the {SafetensorsFormat.MaxHeaderLength}-byte limit readers accept.");
        return json.ToArray();
    }

    /// <summary>A JSON string escaped as serde_json escapes it: quote, backslash and control characters; UTF-8 kept as is.</summary>
    private static void WriteString(Stream json, byte[] utf8)
    {
        json.WriteByte((byte)'"');
        foreach (var b in utf8)
        {
            switch (b)
            {
                case (byte)'"': json.Write("\\\""u8); break;
                case (byte)'\\': json.Write("\\\\"u8); break;
                case (byte)'\b': json.Write("\\b"u8); break;
                case (byte)'\f': json.Write("\\f"u8); break;
                case (byte)'\n': json.Write("\\n"u8); break;
                case (byte)'\r': json.Write("\\r"u8); break;
                case (byte)'\t': json.Write("\\t"u8); break;
                case < 0x20: json.Write(Encoding.ASCII.GetBytes($"\\u{b:x4}")); break;
                default: json.WriteByte(b); break;
            }
        }
        json.WriteByte((byte)'"');
    }

    private static byte[] Utf8(string text, string what)
    {
        try
        {
            return StrictUtf8.GetBytes(text);
        }
        catch (EncoderFallbackException e)
        {
            throw new ArgumentException($"The {what} '{text}' is not valid Unicode (a lone surrogate).", e);
        }
    }

    private sealed record Entry(string Name, byte[] Utf8Name, SafetensorsDType DType, long[] Shape, long ByteLength)
    {
        public ReadOnlyMemory<byte> Data { get; init; }
        public Action<Stream>? WriteData { get; init; }
    }

    /// <summary>Orders names as the reference does (Rust's String order: UTF-8 bytes), not by UTF-16 code units.</summary>
    private sealed class Utf8Order : IComparer<byte[]>
    {
        public static readonly Utf8Order Instance = new();
        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
