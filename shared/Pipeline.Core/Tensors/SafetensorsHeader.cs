using System.Diagnostics.CodeAnalysis;

namespace Pipeline.Tensors;

/// <summary>A validated safetensors header: the metadata and the tensors, in the order of their data.</summary>
public sealed class SafetensorsHeader
{
    private readonly Dictionary<string, SafetensorsTensorInfo> _byName;

    internal SafetensorsHeader(long headerLength, long dataLength, IReadOnlyDictionary<string, string> metadata, IReadOnlyList<SafetensorsTensorInfo> tensors)
    {
        HeaderLength = headerLength;
        DataLength = dataLength;
        Metadata = metadata;
        Tensors = tensors;
        _byName = tensors.ToDictionary(tensor => tensor.Name, StringComparer.Ordinal);
    }

    /// <summary>N, the length of the JSON header in bytes (padding included).</summary>
    public long HeaderLength { get; }

    /// <summary>Where the data buffer starts, from the start of the file.</summary>
    public long DataStart => SafetensorsFormat.LengthPrefixSize + HeaderLength;

    /// <summary>Length of the data buffer; the tensors cover it exactly.</summary>
    public long DataLength { get; }

    /// <summary>The <c>__metadata__</c> entries; empty when the file has none.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The tensors by increasing data offset.</summary>
    public IReadOnlyList<SafetensorsTensorInfo> Tensors { get; }

    public bool TryGetTensor(string name, [MaybeNullWhen(false)] out SafetensorsTensorInfo tensor) => _byName.TryGetValue(name, out tensor);

    /// <exception cref="KeyNotFoundException">The file has no tensor of that name.</exception>
    public SafetensorsTensorInfo GetTensor(string name) =>
        _byName.TryGetValue(name, out var tensor) ? tensor : throw new KeyNotFoundException($"The safetensors file has no tensor named '{name}'.");
}
