using System.Buffers.Binary;
using System.IO.Compression;
using Pipeline.Preprocessor.Datasets;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Pipeline.Tests.Preprocessing;

public sealed class FashionMnistTests : IDisposable
{
    private const int Rows = 3, Columns = 4, Count = 25;
    private readonly TempDirectory _temp = new();
    private readonly string _source;
    private readonly string _out;

    public FashionMnistTests()
    {
        _source = _temp.Combine("idx");
        _out = _temp.Combine("images");
        Directory.CreateDirectory(_source);
    }

    public void Dispose() => _temp.Dispose();

    /// <summary>Image i has label i % 10 and every pixel equal to i.</summary>
    private void WriteIdx(int count = Count, int imagesMagic = 0x803, int labelsMagic = 0x801, int labelCount = Count)
    {
        var labels = Header(labelsMagic, labelCount).Concat(Enumerable.Range(0, labelCount).Select(i => (byte)(i % 10)));
        var images = Header(imagesMagic, count, Rows, Columns).Concat(Enumerable.Range(0, count).SelectMany(i => Enumerable.Repeat((byte)i, Rows * Columns)));
        Gzip(FashionMnist.LabelsFile, labels.ToArray());
        Gzip(FashionMnist.ImagesFile, images.ToArray());
    }

    private static byte[] Header(params int[] fields)
    {
        var header = new byte[4 * fields.Length];
        for (var i = 0; i < fields.Length; i++)
            BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4 * i), fields[i]);
        return header;
    }

    private void Gzip(string name, byte[] content)
    {
        using var gzip = new GZipStream(File.Create(Path.Combine(_source, name)), CompressionLevel.Fastest);
        gzip.Write(content);
    }

    [Fact]
    public void The_first_N_images_of_each_class_become_PNGs_in_class_folders()
    {
        WriteIdx();

        var result = FashionMnist.Export(_out, perClass: 2, _source);

        Assert.Equal(Enumerable.Repeat(2, 10), result.ImagesPerClass);
        Assert.Equal(20, result.Total);
        Assert.Equal(FashionMnist.Classes.Order(StringComparer.Ordinal), Directory.GetDirectories(_out).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(["00003.png", "00013.png"], Directory.GetFiles(Path.Combine(_out, "dress")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        using var image = Image.Load<L8>(Path.Combine(_out, "ankle_boot", "00019.png"));
        Assert.Equal((Columns, Rows), (image.Width, image.Height));
        Assert.Equal(19, image[3, 2].PackedValue);
    }

    [Fact]
    public void Without_a_limit_every_image_is_written()
    {
        WriteIdx();

        var result = FashionMnist.Export(_out, perClass: null, _source);

        Assert.Equal([3, 3, 3, 3, 3, 2, 2, 2, 2, 2], result.ImagesPerClass);
        Assert.Equal(Count, Directory.GetFiles(_out, "*.png", SearchOption.AllDirectories).Length);
        Assert.Equal(Path.GetFullPath(_out), result.OutDir);
    }

    [Fact]
    public void Missing_files_name_the_Debian_package()
    {
        var error = Assert.Throws<PipelineException>(() => FashionMnist.Export(_out, 1, _source));

        Assert.Contains("apt-get install dataset-fashion-mnist", error.Message);
        Assert.Contains(FashionMnist.ImagesFile, error.Message);
    }

    [Fact]
    public void A_wrong_magic_number_is_refused()
    {
        WriteIdx(imagesMagic: 0x801);

        var error = Assert.Throws<PipelineException>(() => FashionMnist.Export(_out, 1, _source));

        Assert.Contains("not an IDX images file", error.Message);
    }

    [Fact]
    public void Images_and_labels_of_different_lengths_are_refused()
    {
        WriteIdx(labelCount: Count - 1);

        var error = Assert.Throws<PipelineException>(() => FashionMnist.Export(_out, 1, _source));

        Assert.Contains($"holds {Count} images", error.Message);
    }

    [Fact]
    public void A_truncated_file_is_refused()
    {
        WriteIdx();
        var images = Path.Combine(_source, FashionMnist.ImagesFile);
        File.WriteAllBytes(images, File.ReadAllBytes(images)[..30]);

        var error = Assert.Throws<PipelineException>(() => FashionMnist.Export(_out, null, _source));

        Assert.Contains("truncated", error.Message);
    }

    [Fact]
    public void A_non_positive_limit_is_refused()
    {
        Assert.Throws<PipelineException>(() => FashionMnist.Export(_out, 0, _source));
    }
}
