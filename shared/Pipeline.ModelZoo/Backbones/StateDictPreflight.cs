using System.Collections;
using System.IO.Compression;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Pipeline.ModelZoo.Backbones;

/// <summary>
/// Checks a <c>torch.save</c> file before any tensor is allocated: every tensor must fit in the bytes its storage
/// really holds in the file. Without it, a small file can declare a tensor of gigabytes (an expanded view, a doctored
/// shape) and the loader allocates it before reading anything, or reads short and keeps garbage.
/// </summary>
internal static class StateDictPreflight
{
    /// <summary>All tensors together may not ask for more than this many times their storages' size (state_dicts share no storage).</summary>
    private const int MaxExpansion = 2;

    /// <summary>Deflate cannot expand data more than about 1,032 times: a larger claim is a lie.</summary>
    private const long MaxDeflateRatio = 1032;

    /// <exception cref="PipelineException">The file is not a state_dict, or declares more data than it holds.</exception>
    public static void Check(string source, Stream stream)
    {
        var fileLength = stream.Length;
        Hashtable described;
        try
        {
            // Descriptors only: shapes, strides, dtypes and which zip entry holds each storage; nothing is allocated.
            described = PyTorchUnpickler.UnpickleStateDict(stream, leaveOpen: true, skipTensorRead: true);
        }
        catch (Exception e)
        {
            throw new PipelineException($"'{source}' is not a PyTorch state_dict file (save one with torch.save(model.state_dict(), path)): {e.Message}", e);
        }
        stream.Position = 0;
        using var archive = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        var entries = archive.Entries.ToList();
        long total = 0, stored = 0;
        foreach (DictionaryEntry item in described)
        {
            var (name, tensor) = ((string)item.Key, item.Value!);
            var entry = entries[Read<int>(tensor, "ArchiveIndex")];
            // torch.save stores storages as they are, other writers deflate them: either way, what the directory
            // claims must be bytes the file can hold.
            if (entry.CompressedLength > fileLength || entry.Length > entry.CompressedLength * MaxDeflateRatio)
                throw Corrupt(source, $"the storage of '{name}' claims {entry.Length} bytes from {entry.CompressedLength} in a {fileLength}-byte file");
            stored += entry.Length;
            var bytes = Bytes(name, source, Read<long[]>(tensor, "Shape"), Read<long[]>(tensor, "Stride"), Read<int>(tensor, "StorageOffset"),
                ElementSize(Read<ScalarType>(tensor, "DType")), entry.Length);
            total += bytes;
        }
        if (total > MaxExpansion * stored)
            throw Corrupt(source, $"its tensors declare {total} bytes, more than the {stored} bytes of their storages");
        stream.Position = 0;
    }

    /// <summary>What the loader will allocate for one tensor, once checked against the storage it reads from.</summary>
    private static long Bytes(string name, string source, long[] shape, long[] stride, int offset, int elementSize, long storageBytes)
    {
        try
        {
            var elements = shape.Aggregate(1L, (product, size) => size < 0 ? throw new OverflowException() : checked(product * size));
            var allocated = checked(elements * elementSize);
            // The last element the view reads, from its offset and strides.
            var extent = elements == 0 ? 0 : checked((offset + shape.Zip(stride).Sum(pair => checked((pair.First - 1) * pair.Second)) + 1) * elementSize);
            if (allocated > storageBytes || extent > storageBytes || stride.Any(s => s < 0) || offset < 0)
                throw Corrupt(source, $"tensor '{name}' [{string.Join(", ", shape)}] needs {Math.Max(allocated, extent)} bytes; its storage holds {storageBytes}");
            return allocated;
        }
        catch (OverflowException)
        {
            throw Corrupt(source, $"tensor '{name}' declares an impossible shape [{string.Join(", ", shape)}]");
        }
    }

    private static int ElementSize(ScalarType type) => type switch
    {
        ScalarType.Float64 or ScalarType.Int64 => 8,
        ScalarType.Float32 or ScalarType.Int32 => 4,
        ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Int16 => 2,
        ScalarType.Int8 or ScalarType.Byte or ScalarType.Bool => 1,
        _ => throw new PipelineException($"The state_dict holds tensors of type {type}, which backbones never have."),
    };

    // PyBridge 1.4.4 (pinned in Directory.Packages.props) returns its descriptor type, internal but with public
    // properties, when asked not to read tensors; a test fails loudly if a new version renames them.
    private static T Read<T>(object descriptor, string property) =>
        descriptor.GetType().GetProperty(property)?.GetValue(descriptor) is T value
            ? value
            : throw new InvalidOperationException($"TorchSharp.PyBridge's tensor descriptor has no {property} of type {typeof(T).Name}; the pinned version changed.");

    private static PipelineException Corrupt(string source, string problem) => new($"'{source}' is corrupt or hostile: {problem}. Nothing was loaded.");
}
