using System.Buffers.Binary;

namespace Pipeline.Tensors;

/// <summary>
/// The safetensors file format of huggingface/safetensors, read and written without libtorch.
/// </summary>
/// <remarks>
/// Layout: an unsigned little-endian 64-bit header length N; N bytes of UTF-8 JSON mapping each tensor name to
/// <c>{"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}</c> (offsets relative to the data buffer), with an
/// optional <c>"__metadata__"</c> object of strings; then the data buffer, row-major and little-endian.
/// The rules enforced here are the reference implementation's (safetensors/src/tensor.rs): N at most
/// <see cref="MaxHeaderLength"/>; no duplicate keys; the tensors, taken in offset order, cover the data buffer exactly,
/// with no hole, overlap or trailing byte; each tensor's byte count equals product(shape) times its element size.
/// The format carries no version number: the JSON header is the whole schema.
/// </remarks>
public static class SafetensorsFormat
{
    /// <summary>Bytes of the header length that opens every file.</summary>
    public const int LengthPrefixSize = sizeof(ulong);

    /// <summary>The largest header the reference implementation accepts (100 MB) and so the largest this one reads or writes.</summary>
    public const int MaxHeaderLength = 100_000_000;

    /// <summary>The writer pads the header with spaces to a multiple of this, so the data buffer starts 8-byte aligned.</summary>
    public const int HeaderAlignment = 8;

    /// <summary>The header key of the free-form string-to-string metadata; no tensor may have this name.</summary>
    public const string MetadataKey = "__metadata__";

    /// <summary>
    /// Whether the stream, from its current position, starts like a safetensors file: a header length within the
    /// limit and within the stream, and a header whose first non-whitespace byte is '{'. Reads a few bytes and puts
    /// the position back. Cheap; it does not validate the header (opening a <see cref="SafetensorsReader"/> does).
    /// </summary>
    public static bool LooksLikeSafetensors(Stream stream)
    {
        if (!stream.CanSeek || !stream.CanRead)
            throw new ArgumentException("Detecting a safetensors file needs a seekable, readable stream.", nameof(stream));
        var start = stream.Position;
        try
        {
            Span<byte> prefix = stackalloc byte[LengthPrefixSize + 64];
            var read = stream.ReadAtLeast(prefix, prefix.Length, throwOnEndOfStream: false);
            if (read < LengthPrefixSize + 2)
                return false;
            var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
            if (headerLength < 2 || headerLength > MaxHeaderLength || headerLength > (ulong)(stream.Length - start - LengthPrefixSize))
                return false;
            var header = prefix[LengthPrefixSize..read];
            if ((ulong)header.Length > headerLength)
                header = header[..(int)headerLength];
            var first = header.IndexOfAnyExcept(" \t\r\n"u8);
            return first >= 0 && header[first] == (byte)'{';
        }
        finally
        {
            stream.Position = start;
        }
    }

    /// <summary>product(shape) times the element size, or false when that overflows a 64-bit signed count.</summary>
    /// <remarks>Multiplies in shape order, like the reference, so [big, big, 0] overflows where [0, big, big] does not.</remarks>
    internal static bool TryByteLength(SafetensorsDType dtype, IReadOnlyList<long> shape, out long byteLength)
    {
        byteLength = 0;
        long elements = 1;
        foreach (var dimension in shape)
        {
            if (dimension < 0 || (elements != 0 && dimension > long.MaxValue / elements))
                return false;
            elements *= dimension;
        }
        var size = dtype.ElementSize();
        if (elements > long.MaxValue / size)
            return false;
        byteLength = elements * size;
        return true;
    }

    internal static string ShapeText(IReadOnlyList<long> shape) => $"[{string.Join(", ", shape)}]";
}
