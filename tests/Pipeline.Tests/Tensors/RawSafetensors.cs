using System.Buffers.Binary;
using System.Text;

namespace Pipeline.Tests.Tensors;

/// <summary>Hand-made safetensors bytes, for files the writer would never produce.</summary>
internal static class RawSafetensors
{
    /// <summary>Header length (declared, or the header's real length), the header as UTF-8, then <paramref name="dataLength"/> bytes.</summary>
    public static byte[] Build(string header, int dataLength = 0, ulong? declaredHeaderLength = null) =>
        Build(Encoding.UTF8.GetBytes(header), new byte[dataLength], declaredHeaderLength);

    public static byte[] Build(byte[] header, byte[] data, ulong? declaredHeaderLength = null)
    {
        var file = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, declaredHeaderLength ?? (ulong)header.Length);
        header.CopyTo(file, 8);
        data.CopyTo(file, 8 + header.Length);
        return file;
    }
}
