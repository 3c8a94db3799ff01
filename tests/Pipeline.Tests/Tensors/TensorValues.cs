using System.Buffers.Binary;
using System.Text.Json;
using Pipeline.Tensors;

namespace Pipeline.Tests.Tensors;

/// <summary>Element values as doubles (booleans as 0 and 1), to compare C# bytes with what PyTorch reports.</summary>
internal static class TensorValues
{
    public static byte[] Encode(SafetensorsDType dtype, params double[] values)
    {
        var size = dtype.ElementSize();
        var bytes = new byte[values.Length * size];
        for (var i = 0; i < values.Length; i++)
        {
            var span = bytes.AsSpan(i * size, size);
            var value = values[i];
            switch (dtype)
            {
                case SafetensorsDType.F64: BinaryPrimitives.WriteDoubleLittleEndian(span, value); break;
                case SafetensorsDType.F32: BinaryPrimitives.WriteSingleLittleEndian(span, (float)value); break;
                case SafetensorsDType.F16: BinaryPrimitives.WriteHalfLittleEndian(span, (Half)value); break;
                case SafetensorsDType.BF16: BinaryPrimitives.WriteUInt16LittleEndian(span, BFloat16Bits((float)value)); break;
                case SafetensorsDType.I64: BinaryPrimitives.WriteInt64LittleEndian(span, checked((long)value)); break;
                case SafetensorsDType.I32: BinaryPrimitives.WriteInt32LittleEndian(span, checked((int)value)); break;
                case SafetensorsDType.I16: BinaryPrimitives.WriteInt16LittleEndian(span, checked((short)value)); break;
                case SafetensorsDType.I8: span[0] = (byte)checked((sbyte)value); break;
                case SafetensorsDType.U8: span[0] = checked((byte)value); break;
                case SafetensorsDType.Bool: span[0] = value != 0 ? (byte)1 : (byte)0; break;
                default: throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Not used in these tests.");
            }
        }
        return bytes;
    }

    public static double[] Decode(SafetensorsDType dtype, byte[] bytes)
    {
        var size = dtype.ElementSize();
        return Enumerable.Range(0, bytes.Length / size).Select(i =>
        {
            var span = bytes.AsSpan(i * size, size);
            return dtype switch
            {
                SafetensorsDType.F64 => BinaryPrimitives.ReadDoubleLittleEndian(span),
                SafetensorsDType.F32 => BinaryPrimitives.ReadSingleLittleEndian(span),
                SafetensorsDType.F16 => (double)BinaryPrimitives.ReadHalfLittleEndian(span),
                SafetensorsDType.BF16 => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(span) << 16),
                SafetensorsDType.I64 => BinaryPrimitives.ReadInt64LittleEndian(span),
                SafetensorsDType.I32 => BinaryPrimitives.ReadInt32LittleEndian(span),
                SafetensorsDType.I16 => BinaryPrimitives.ReadInt16LittleEndian(span),
                SafetensorsDType.I8 => (sbyte)span[0],
                SafetensorsDType.U8 or SafetensorsDType.Bool => span[0],
                _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Not used in these tests."),
            };
        }).ToArray();
    }

    /// <summary>The values of a JSON array of numbers and booleans, as PyTorch's tolist() prints them.</summary>
    public static double[] FromJson(JsonElement values) =>
        values.EnumerateArray().Select(value => value.ValueKind switch
        {
            JsonValueKind.True => 1.0,
            JsonValueKind.False => 0.0,
            _ => value.GetDouble(),
        }).ToArray();

    /// <summary>Round-to-nearest-even bfloat16 bits of a float (no NaN handling: test values are finite).</summary>
    private static ushort BFloat16Bits(float value)
    {
        var bits = (uint)BitConverter.SingleToInt32Bits(value);
        return (ushort)((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16);
    }
}
