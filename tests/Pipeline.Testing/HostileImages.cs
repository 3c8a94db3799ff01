using System.Buffers.Binary;
using System.Text;

namespace Pipeline.Testing;

/// <summary>Hand-made image bytes that no encoder would write: files that lie about themselves.</summary>
public static class HostileImages
{
    /// <summary>A well-formed PNG (valid CRCs, IEND) whose header claims <paramref name="width"/> x <paramref name="height"/> RGB pixels; the data is a few bytes.</summary>
    public static byte[] PngClaiming(int width, int height)
    {
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth
        header[9] = 2; // RGB
        using var file = new MemoryStream();
        file.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        Chunk(file, "IHDR", header);
        Chunk(file, "IDAT", [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]);
        Chunk(file, "IEND", []);
        return file.ToArray();
    }

    /// <summary>A 1x1 grey TIFF whose single strip uses compression scheme <paramref name="compression"/> (34712 is JPEG 2000).</summary>
    public static byte[] TiffCompressedWith(ushort compression)
    {
        (ushort Tag, ushort Type, uint Value)[] entries =
        [
            (256, 4, 1), (257, 4, 1), (258, 3, 8), (259, 3, compression), (262, 3, 1), (273, 4, 8 + 2 + 8 * 12 + 4), (278, 4, 1), (279, 4, 1),
        ];
        var file = new byte[8 + 2 + entries.Length * 12 + 4 + 1];
        "II*\0"u8.CopyTo(file);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(4), 8);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(8), (ushort)entries.Length);
        for (var i = 0; i < entries.Length; i++)
        {
            var entry = file.AsSpan(10 + i * 12);
            BinaryPrimitives.WriteUInt16LittleEndian(entry, entries[i].Tag);
            BinaryPrimitives.WriteUInt16LittleEndian(entry[2..], entries[i].Type);
            BinaryPrimitives.WriteUInt32LittleEndian(entry[4..], 1);
            if (entries[i].Type == 3)
                BinaryPrimitives.WriteUInt16LittleEndian(entry[8..], (ushort)entries[i].Value);
            else
                BinaryPrimitives.WriteUInt32LittleEndian(entry[8..], entries[i].Value);
        }
        file[^1] = 0x80; // the one pixel, after the next-IFD offset (0)
        return file;
    }

    private static void Chunk(Stream file, string type, byte[] data)
    {
        var typeAndData = (byte[])[.. Encoding.ASCII.GetBytes(type), .. data];
        Span<byte> number = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(number, data.Length);
        file.Write(number);
        file.Write(typeAndData);
        BinaryPrimitives.WriteUInt32BigEndian(number, Crc32(typeAndData));
        file.Write(number);
    }

    /// <summary>The PNG chunk checksum (CRC-32, ISO 3309).</summary>
    private static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var bit = 0; bit < 8; bit++)
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }
}
