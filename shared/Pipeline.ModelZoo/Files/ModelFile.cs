using System.Text;
using Pipeline.Tensors;

namespace Pipeline.ModelZoo.Files;

/// <summary>
/// Model and checkpoint files are safetensors (<c>model.safetensors</c>): the tensors by their module path, the
/// <see cref="ModelFileHeader"/> in the metadata. Readable by anything that reads JSON and raw little-endian arrays.
/// </summary>
public static class ModelFile
{
    /// <summary>The magic numbers of the binary formats before safetensors ("PMDL" models, "PCKP" checkpoints).</summary>
    private static readonly string[] EarlierFormats = ["PMDL", "PCKP"];

    /// <summary>Opens a model or checkpoint file, with a clear error for anything else.</summary>
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
            return new SafetensorsReader(stream);
        }
        catch (InvalidDataException e)
        {
            throw new PipelineException($"Not a readable model file: {e.Message}", e);
        }
    }

    public static ModelFileHeader ReadHeader(SafetensorsReader reader) => ModelFileHeader.FromMetadata(reader.Metadata);
}
