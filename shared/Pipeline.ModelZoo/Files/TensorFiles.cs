using Pipeline.Tensors;
using static TorchSharp.torch;

namespace Pipeline.ModelZoo.Files;

/// <summary>libtorch tensors in and out of safetensors files, checking dtype and shape before any byte is copied.</summary>
public static class TensorFiles
{
    /// <summary>Adds a copy of <paramref name="tensor"/>'s values (moved to the CPU) under <paramref name="name"/>.</summary>
    public static SafetensorsWriter AddTensor(this SafetensorsWriter writer, string name, Tensor tensor)
    {
        using var cpu = tensor.detach().cpu().contiguous();
        return writer.Add(name, DType(cpu.dtype, name), cpu.shape, cpu.bytes.ToArray());
    }

    /// <summary>Copies the stored tensor <paramref name="name"/> into <paramref name="target"/>, on whatever device it is.</summary>
    /// <exception cref="PipelineException">The tensor is missing, or its dtype or shape differ from the target's.</exception>
    public static void CopyTensorTo(this SafetensorsReader reader, string name, Tensor target)
    {
        if (!reader.Header.TryGetTensor(name, out var stored))
            throw new PipelineException($"The file has no tensor '{name}'.");
        if (stored.DType != DType(target.dtype, name) || !stored.Shape.SequenceEqual(target.shape))
            throw new PipelineException(
                $"Tensor '{name}' is {stored.DType.Name()} [{string.Join(", ", stored.Shape)}] in the file; expected {DType(target.dtype, name).Name()} [{string.Join(", ", target.shape)}].");
        using var cpu = empty(target.shape, target.dtype);
        reader.ReadTensor(name, cpu.bytes);
        using var noGrad = no_grad();
        target.copy_(cpu);
    }

    private static SafetensorsDType DType(ScalarType type, string name) => type switch
    {
        ScalarType.Float32 => SafetensorsDType.F32,
        ScalarType.Float64 => SafetensorsDType.F64,
        ScalarType.Float16 => SafetensorsDType.F16,
        ScalarType.BFloat16 => SafetensorsDType.BF16,
        ScalarType.Int64 => SafetensorsDType.I64,
        ScalarType.Int32 => SafetensorsDType.I32,
        ScalarType.Int16 => SafetensorsDType.I16,
        ScalarType.Int8 => SafetensorsDType.I8,
        ScalarType.Byte => SafetensorsDType.U8,
        ScalarType.Bool => SafetensorsDType.Bool,
        _ => throw new NotSupportedException($"Tensor '{name}' has dtype {type}, which safetensors files here do not hold."),
    };
}
