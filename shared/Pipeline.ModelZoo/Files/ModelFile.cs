using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Pipeline.Tensors;

namespace Pipeline.ModelZoo.Files;

/// <summary>
/// Model and checkpoint files are safetensors (<c>model.safetensors</c>): the tensors by their module path, the
/// <see cref="ModelFileHeader"/> in the metadata. Readable by anything that reads JSON and raw little-endian arrays.
/// Since schema version 3 the metadata also holds a <c>checksum</c> (sha256 over the other metadata and the tensor
/// data), so that a file damaged in storage is refused before any of it is used; version 2 files have none and still read.
/// </summary>
public static class ModelFile
{
    /// <summary>The magic numbers of the binary formats before safetensors ("PMDL" models, "PCKP" checkpoints).</summary>
    private static readonly string[] EarlierFormats = ["PMDL", "PCKP"];

    /// <summary>The metadata key of the checksum: <c>sha256:</c> and 64 hex digits.</summary>
    public const string ChecksumKey = "checksum";

    /// <summary>The first schema version whose files carry a checksum.</summary>
    private const int ChecksummedSchemaVersion = 3;

    /// <summary>Writes a model or checkpoint file (the writer holds a <see cref="ModelFileHeader"/>'s metadata) with its checksum.</summary>
    public static void Write(SafetensorsWriter writer, Stream destination)
    {
        writer.Metadata.Remove(ChecksumKey);
        writer.Metadata[ChecksumKey] = Checksum(writer.Metadata, writer.WriteDataTo);
        writer.WriteTo(destination);
    }

    /// <summary>Opens a model or checkpoint file, with a clear error for anything else; a checksummed file is verified
    /// before any tensor is read from it.</summary>
    /// <exception cref="PipelineException">The file is from an earlier version, not a safetensors file, or corrupt.</exception>
    public static SafetensorsReader Open(Stream stream)
    {
        if (!stream.CanSeek)
            throw new ArgumentException("Model files are read from seekable streams.", nameof(stream));
        var start = new byte[4];
        var read = stream.ReadAtLeast(start, start.Length, throwOnEndOfStream: false);
        stream.Position = 0;
        if (read == start.Length && EarlierFormats.Contains(Encoding.ASCII.GetString(start)))
            throw new PipelineException(
                "This model file was written by an earlier version of the pipeline (before model files became safetensors). Re-run the training to make a new one.");
        try
        {
            var reader = new SafetensorsReader(stream);
            Verify(reader);
            return reader;
        }
        catch (InvalidDataException e)
        {
            throw new PipelineException($"Not a readable model file: {e.Message}", e);
        }
    }

    private static void Verify(SafetensorsReader reader)
    {
        if (!reader.Metadata.TryGetValue(ChecksumKey, out var stored))
        {
            if (int.TryParse(reader.Metadata.GetValueOrDefault("schemaVersion"), NumberStyles.None, CultureInfo.InvariantCulture, out var version)
                && version >= ChecksummedSchemaVersion)
                throw new PipelineException($"The model file is corrupt: its schema version {version} requires a checksum and it has none.");
            return;
        }
        var actual = Checksum(reader.Metadata, reader.CopyDataTo);
        if (actual != stored)
            throw new PipelineException(
                $"The model file is corrupt: its contents do not match the checksum it was written with ({stored}; now {actual}). " +
                "It was damaged after it was written: restore it from a copy, or train again.");
    }

    /// <summary>sha256 over the metadata (every entry but the checksum, by key) and then the tensor data.</summary>
    private static string Checksum(IEnumerable<KeyValuePair<string, string>> metadata, Action<Stream> writeData)
    {
        using var sha256 = SHA256.Create();
        using (var hashing = new CryptoStream(Stream.Null, sha256, CryptoStreamMode.Write))
        {
            foreach (var (key, value) in metadata.Where(entry => entry.Key != ChecksumKey).OrderBy(entry => entry.Key, StringComparer.Ordinal))
            {
                // Length-prefixed, so that no two different metadata hash the same bytes.
                foreach (var text in new[] { key, value })
                {
                    var bytes = Encoding.UTF8.GetBytes(text);
                    hashing.Write(BitConverter.GetBytes(bytes.Length));
                    hashing.Write(bytes);
                }
            }
            writeData(hashing);
        }
        return "sha256:" + Convert.ToHexStringLower(sha256.Hash!);
    }

    public static ModelFileHeader ReadHeader(SafetensorsReader reader) => ModelFileHeader.FromMetadata(reader.Metadata);
}
