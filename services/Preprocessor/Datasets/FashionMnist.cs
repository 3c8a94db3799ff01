using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Pipeline.Preprocessor.Datasets;

/// <summary>Turns the Fashion-MNIST training set (gzipped IDX files, as Debian's dataset-fashion-mnist ships them) into an ImageFolder of PNGs.</summary>
public static class FashionMnist
{
    public const string DebianPackage = "dataset-fashion-mnist";
    public const string DefaultSourceDir = "/usr/share/datasets/fashion-mnist";
    public const string ImagesFile = "train-images-idx3-ubyte.gz";
    public const string LabelsFile = "train-labels-idx1-ubyte.gz";

    /// <summary>The ten labels in label order, spelled so that they are safe folder names everywhere.</summary>
    public static readonly IReadOnlyList<string> Classes =
        ["t-shirt_top", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle_boot"];

    // IDX magic: two zero bytes, the element type (0x08 = unsigned byte), the number of dimensions.
    private const int LabelsMagic = 0x0000_0801;
    private const int ImagesMagic = 0x0000_0803;
    private const int MaxCount = 10_000_000;

    /// <summary>
    /// Writes <c>OUT_DIR/&lt;class&gt;/&lt;index&gt;.png</c> for the first <paramref name="perClass"/> training images of each class
    /// (all of them when null); the file name is the image's index in the IDX file, so re-exporting overwrites, never duplicates.
    /// </summary>
    /// <exception cref="PipelineException">The IDX files are missing or malformed, or <paramref name="perClass"/> is not positive.</exception>
    public static FashionMnistExportResult Export(string outDir, int? perClass, string? sourceDir = null, CancellationToken cancellationToken = default)
    {
        if (perClass is < 1)
            throw new PipelineException($"--per-class must be a positive number (got {perClass}).");
        var source = sourceDir ?? DefaultSourceDir;
        var imagesPath = Path.Combine(source, ImagesFile);
        var labelsPath = Path.Combine(source, LabelsFile);
        if (!File.Exists(imagesPath) || !File.Exists(labelsPath))
            throw new PipelineException(
                $"Fashion-MNIST not found: expected {ImagesFile} and {LabelsFile} in '{source}'. " +
                $"Install Debian's package with 'apt-get install {DebianPackage}'" + (sourceDir is null ? "." : ", or point to the folder that holds them."));

        var labels = ReadLabels(labelsPath);
        foreach (var name in Classes)
            Directory.CreateDirectory(Path.Combine(outDir, name));
        var written = new int[Classes.Count];
        var limit = perClass ?? int.MaxValue;

        using var images = new GZipStream(File.OpenRead(imagesPath), CompressionMode.Decompress);
        var (count, rows, columns) = ReadImagesHeader(images, imagesPath);
        if (count != labels.Length)
            throw new PipelineException($"'{imagesPath}' holds {count} images but '{labelsPath}' holds {labels.Length} labels.");
        var pixels = new byte[rows * columns];
        for (var index = 0; index < count && written.Any(n => n < limit); index++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ReadExactly(images, pixels, imagesPath);
            var label = labels[index];
            if (written[label] >= limit)
                continue;
            using var image = Image.LoadPixelData<L8>(pixels, columns, rows);
            image.SaveAsPng(Path.Combine(outDir, Classes[label], $"{index.ToString("D5", CultureInfo.InvariantCulture)}.png"));
            written[label]++;
        }
        return new FashionMnistExportResult(Path.GetFullPath(outDir), Classes, written);
    }

    private static byte[] ReadLabels(string path)
    {
        using var stream = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        var header = new byte[8];
        ReadExactly(stream, header, path);
        CheckMagic(header, LabelsMagic, path, "labels");
        var labels = new byte[ReadCount(header.AsSpan(4), path)];
        ReadExactly(stream, labels, path);
        var bad = Array.FindIndex(labels, label => label >= Classes.Count);
        if (bad >= 0)
            throw new PipelineException($"'{path}' holds label {labels[bad]} at index {bad}; Fashion-MNIST labels are 0 to {Classes.Count - 1}.");
        return labels;
    }

    private static (int Count, int Rows, int Columns) ReadImagesHeader(Stream stream, string path)
    {
        var header = new byte[16];
        ReadExactly(stream, header, path);
        CheckMagic(header, ImagesMagic, path, "images");
        var (rows, columns) = (ReadCount(header.AsSpan(8), path), ReadCount(header.AsSpan(12), path));
        if (rows is 0 or > 1024 || columns is 0 or > 1024)
            throw new PipelineException($"'{path}' claims {rows}x{columns} pixel images; that is not Fashion-MNIST.");
        return (ReadCount(header.AsSpan(4), path), rows, columns);
    }

    private static void CheckMagic(ReadOnlySpan<byte> header, int expected, string path, string what)
    {
        var magic = BinaryPrimitives.ReadInt32BigEndian(header);
        if (magic != expected)
            throw new PipelineException($"'{path}' is not an IDX {what} file: magic number 0x{magic:X8}, expected 0x{expected:X8}.");
    }

    /// <summary>A size from an IDX header, bounded so that a corrupt header cannot ask for gigabytes.</summary>
    private static int ReadCount(ReadOnlySpan<byte> field, string path)
    {
        var value = BinaryPrimitives.ReadInt32BigEndian(field);
        return value is >= 0 and <= MaxCount ? value : throw new PipelineException($"'{path}' has the size {value} in its header; the file is corrupt.");
    }

    private static void ReadExactly(Stream stream, byte[] buffer, string path)
    {
        try
        {
            stream.ReadExactly(buffer);
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException)
        {
            throw new PipelineException($"'{path}' is truncated or not a valid gzip file: {e.Message}", e);
        }
    }
}
