namespace Pipeline.Tensors;

/// <summary>Element sizes and the header names ("F32", "BOOL", ...) of <see cref="SafetensorsDType"/>.</summary>
public static class SafetensorsDTypes
{
    private static readonly SafetensorsDType[] All = Enum.GetValues<SafetensorsDType>();

    /// <summary>The names a header may use, as a list for error messages.</summary>
    public static string SupportedNames { get; } = string.Join(", ", All.Select(Name));

    /// <summary>Bytes per element.</summary>
    public static int ElementSize(this SafetensorsDType dtype) => dtype switch
    {
        SafetensorsDType.Bool or SafetensorsDType.U8 or SafetensorsDType.I8 => 1,
        SafetensorsDType.I16 or SafetensorsDType.U16 or SafetensorsDType.F16 or SafetensorsDType.BF16 => 2,
        SafetensorsDType.I32 or SafetensorsDType.U32 or SafetensorsDType.F32 => 4,
        SafetensorsDType.F64 or SafetensorsDType.I64 or SafetensorsDType.U64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Not a safetensors dtype."),
    };

    /// <summary>The name in a safetensors header: "BOOL", "U8", ..., "BF16", "F32".</summary>
    public static string Name(this SafetensorsDType dtype) => dtype switch
    {
        SafetensorsDType.Bool => "BOOL",
        SafetensorsDType.U8 => "U8",
        SafetensorsDType.I8 => "I8",
        SafetensorsDType.I16 => "I16",
        SafetensorsDType.U16 => "U16",
        SafetensorsDType.F16 => "F16",
        SafetensorsDType.BF16 => "BF16",
        SafetensorsDType.I32 => "I32",
        SafetensorsDType.U32 => "U32",
        SafetensorsDType.F32 => "F32",
        SafetensorsDType.F64 => "F64",
        SafetensorsDType.I64 => "I64",
        SafetensorsDType.U64 => "U64",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Not a safetensors dtype."),
    };

    /// <summary>Parses a header name; case-sensitive, as the format is.</summary>
    public static bool TryParse(string? name, out SafetensorsDType dtype)
    {
        foreach (var candidate in All)
        {
            if (candidate.Name() == name)
            {
                dtype = candidate;
                return true;
            }
        }
        dtype = default;
        return false;
    }
}
