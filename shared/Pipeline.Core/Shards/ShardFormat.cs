using System.Buffers.Binary;

namespace Pipeline.Shards;

/// <summary>
/// A shard is a header followed by records of (int32 label, height*width*3 bytes of RGB pixels, row-major HWC).
/// Canonical uint8 pixels whatever the backbone: normalisation happens on the device that trains.
/// </summary>
/// <remarks>Header, little-endian, 16 bytes: "PSHD", u16 version, u16 width, u16 height, u8 channels, u8 reserved, u32 count.</remarks>
public static class ShardFormat
{
    public const int Version = 1;
    public const int HeaderSize = 16;
    public const int Channels = 3;
    public const int LabelSize = sizeof(int);
    private static ReadOnlySpan<byte> Magic => "PSHD"u8;

    public static int RecordSize(int width, int height) => LabelSize + PixelCount(width, height);
    public static int PixelCount(int width, int height) => width * height * Channels;

    internal static void WriteHeader(Span<byte> header, ShardHeader value)
    {
        Magic.CopyTo(header);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], Version);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], checked((ushort)value.Width));
        BinaryPrimitives.WriteUInt16LittleEndian(header[8..], checked((ushort)value.Height));
        header[10] = Channels;
        header[11] = 0;
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], checked((uint)value.Count));
    }

    internal static ShardHeader ReadHeader(ReadOnlySpan<byte> header)
    {
        if (!header[..4].SequenceEqual(Magic))
            throw new InvalidDataException("Not a pipeline shard (bad magic).");
        var version = BinaryPrimitives.ReadUInt16LittleEndian(header[4..]);
        if (version != Version)
            throw new InvalidDataException($"Shard format version {version} is not supported (this build reads version {Version}).");
        if (header[10] != Channels)
            throw new InvalidDataException($"Shard has {header[10]} channels; expected {Channels}.");
        return new ShardHeader(
            BinaryPrimitives.ReadUInt16LittleEndian(header[6..]),
            BinaryPrimitives.ReadUInt16LittleEndian(header[8..]),
            checked((int)BinaryPrimitives.ReadUInt32LittleEndian(header[12..])));
    }
}
