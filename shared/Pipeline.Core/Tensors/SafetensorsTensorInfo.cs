namespace Pipeline.Tensors;

/// <summary>One tensor of a safetensors header: its name, element type, shape and place in the data buffer.</summary>
public sealed class SafetensorsTensorInfo(string name, SafetensorsDType dtype, IReadOnlyList<long> shape, long begin, long end)
{
    public string Name { get; } = name;
    public SafetensorsDType DType { get; } = dtype;

    /// <summary>Row-major dimensions; empty for a scalar.</summary>
    public IReadOnlyList<long> Shape { get; } = shape;

    /// <summary>Offset of the tensor's first byte in the data buffer (not in the file).</summary>
    public long Begin { get; } = begin;

    /// <summary>Offset one past the tensor's last byte in the data buffer.</summary>
    public long End { get; } = end;

    public long ByteLength => End - Begin;
    public long ElementCount => ByteLength / DType.ElementSize();

    public override string ToString() => $"{Name}: {DType.Name()} {SafetensorsFormat.ShapeText(Shape)} at [{Begin}, {End})";
}
