namespace Pipeline.Tensors;

/// <summary>
/// The element types this reader and writer support: the whole-byte types of the safetensors format.
/// Sub-byte and FP8 types (F4, F6_*, F8_*) and C64 are refused as unsupported.
/// </summary>
/// <remarks>
/// Declared in the reference implementation's order (increasing alignment, then declaration order of
/// huggingface/safetensors' <c>Dtype</c>): <see cref="SafetensorsWriter"/> sorts tensors by this order,
/// descending, to lay out each tensor's data at a multiple of its element size, as the reference does.
/// </remarks>
public enum SafetensorsDType
{
    Bool,
    U8,
    I8,
    I16,
    U16,
    F16,
    BF16,
    I32,
    U32,
    F32,
    F64,
    I64,
    U64,
}
