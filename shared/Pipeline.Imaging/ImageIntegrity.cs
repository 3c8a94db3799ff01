using System.Buffers.Binary;
using System.Globalization;
using Pipeline.Contracts;

namespace Pipeline.Imaging;

/// <summary>
/// Structure checks that ImageSharp does not make: its JPEG and PNG decoders fill whatever is missing from a cut-off
/// file with grey and report success, so a truncated photo would be trained on as a mostly grey image.
/// </summary>
internal static class ImageIntegrity
{
    private static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Null when the JPEG's segments and scans run to an end marker (EOI).</summary>
    public static ImageProblem? CheckJpeg(ReadOnlySpan<byte> bytes)
    {
        var position = 2; // after SOI
        while (true)
        {
            // Markers may be preceded by any number of 0xFF fill bytes.
            while (position < bytes.Length && bytes[position] == 0xFF && position + 1 < bytes.Length && bytes[position + 1] == 0xFF)
                position++;
            if (position + 1 >= bytes.Length)
                return Truncated("JPEG", bytes.Length, "before its end marker");
            if (bytes[position] != 0xFF)
                return Corrupt("JPEG", position, "no segment marker where one must be");
            var marker = bytes[position + 1];
            if (marker == 0xD9)
                return null;
            if (marker is 0x01 or >= 0xD0 and <= 0xD7)
            {
                position += 2;
                continue;
            }
            if (position + 3 >= bytes.Length)
                return Truncated("JPEG", bytes.Length, "inside a segment header");
            var end = position + 2 + BinaryPrimitives.ReadUInt16BigEndian(bytes[(position + 2)..]);
            if (end > bytes.Length)
                return Truncated("JPEG", bytes.Length, "inside a segment that claims more bytes");
            position = marker == 0xDA ? SkipEntropyCodedData(bytes, end) : end;
        }
    }

    /// <summary>Where the scan that starts at <paramref name="position"/> ends: at the next marker, or at the end of the file.</summary>
    private static int SkipEntropyCodedData(ReadOnlySpan<byte> bytes, int position)
    {
        while (position + 1 < bytes.Length)
        {
            if (bytes[position] == 0xFF && bytes[position + 1] is not (0x00 or 0xFF or >= 0xD0 and <= 0xD7))
                return position;
            position += bytes[position] == 0xFF && bytes[position + 1] != 0xFF ? 2 : 1;
        }
        return bytes.Length;
    }

    /// <summary>Null when the PNG's chunks fit the file and end with IEND; checksums are left to the decoder.</summary>
    public static ImageProblem? CheckPng(ReadOnlySpan<byte> bytes)
    {
        var position = PngSignature.Length;
        while (position + 8 <= bytes.Length)
        {
            var length = BinaryPrimitives.ReadUInt32BigEndian(bytes[position..]);
            var type = bytes.Slice(position + 4, 4);
            var end = position + 12L + length;
            if (end > bytes.Length)
                return Truncated("PNG", bytes.Length, "inside a chunk that claims more bytes");
            if (type.SequenceEqual("IEND"u8))
                return null;
            position = (int)end;
        }
        return Truncated("PNG", bytes.Length, "before its IEND chunk");
    }

    private static ImageProblem Truncated(string format, int length, string where) =>
        new(QuarantineCodes.Truncated, string.Create(CultureInfo.InvariantCulture,
            $"the {format} stops at byte {length}, {where}: the file was cut short (an interrupted copy or download?); copy it again"));

    private static ImageProblem Corrupt(string format, int position, string what) =>
        new(QuarantineCodes.Corrupt, string.Create(CultureInfo.InvariantCulture, $"the {format} is damaged at byte {position}: {what}; replace the file"));
}
