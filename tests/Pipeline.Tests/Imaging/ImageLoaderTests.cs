using Pipeline.Contracts;
using Pipeline.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace Pipeline.Tests.Imaging;

public sealed class ImageLoaderTests
{
    private readonly ImageLoader _loader = new(new ImageLoadOptions(32, ResizeMode.Crop, "#ffffff"));

    private static byte[] Png()
    {
        using var image = TestImageFiles.Noise(120, 90, seed: 1);
        using var file = new MemoryStream();
        image.SaveAsPng(file, new PngEncoder());
        return file.ToArray();
    }

    private ImageProblem? Load(byte[] bytes) => _loader.TryLoad(bytes, new byte[_loader.PixelBytes], out var problem) ? null : problem;

    [Fact]
    public void A_JPEG_cut_short_anywhere_is_truncated_not_a_grey_image()
    {
        var jpeg = TestImageFiles.NoisyJpeg(seed: 1);
        Assert.Null(Load(jpeg));

        foreach (var length in new[] { jpeg.Length * 3 / 10, jpeg.Length * 9 / 10, jpeg.Length - 2, TestImageFiles.JpegHeaderLength(jpeg), 300 })
        {
            var problem = Load(jpeg[..length]);
            Assert.True(problem?.Code == QuarantineCodes.Truncated, $"cut at {length} of {jpeg.Length}: {problem}");
            Assert.Contains("cut short", problem.Message);
        }
    }

    [Fact]
    public void Bytes_after_the_end_marker_of_a_complete_JPEG_are_harmless()
    {
        Assert.Null(Load([.. TestImageFiles.NoisyJpeg(seed: 1), .. "trailing camera data"u8]));
    }

    [Fact]
    public void A_PNG_cut_short_is_truncated_and_one_with_a_damaged_chunk_is_corrupt()
    {
        var png = Png();
        Assert.Null(Load(png));
        foreach (var length in new[] { png.Length * 3 / 10, png.Length * 9 / 10, png.Length - 12 })
            Assert.Equal(QuarantineCodes.Truncated, Load(png[..length])?.Code);

        var damaged = png.ToArray();
        damaged[png.Length / 2] ^= 0x55; // inside the compressed pixels: the chunk's CRC no longer matches

        Assert.Equal(QuarantineCodes.Corrupt, Load(damaged)?.Code);
    }

    [Fact]
    public void A_TIFF_in_a_compression_the_decoder_lacks_is_an_unsupported_format_and_a_plain_one_loads()
    {
        Assert.Null(Load(HostileImages.TiffCompressedWith(1)));
        Assert.Equal(QuarantineCodes.UnsupportedFormat, Load(HostileImages.TiffCompressedWith(34712))?.Code);
    }

    [Fact]
    public void Text_empty_files_and_huge_claims_get_their_codes()
    {
        Assert.Equal(QuarantineCodes.NotAnImage, Load("<html><body>not a picture</body></html>"u8.ToArray())?.Code);
        Assert.Equal(QuarantineCodes.Truncated, Load([])?.Code);
        Assert.Equal(QuarantineCodes.TooManyPixels, Load(HostileImages.PngClaiming(60000, 60000))?.Code);
    }

    [Fact]
    public void Decodes_running_at_once_never_claim_more_than_the_memory_budget_and_an_image_over_it_runs_alone()
    {
        var png = Png(); // 120x90
        var perImage = 120L * 90 * ImageLoader.DecodeBytesPerPixel;
        var budget = new DecodeBudget(2 * perImage + perImage / 2);
        var loader = new ImageLoader(new ImageLoadOptions(32, ResizeMode.Crop, "#ffffff"), budget);
        var problems = new ImageProblem?[32];

        Parallel.For(0, problems.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 },
            i => problems[i] = loader.TryLoad(png, new byte[loader.PixelBytes], out var problem) ? null : problem);

        Assert.All(problems, Assert.Null);
        Assert.InRange(budget.Peak, perImage, 2 * perImage);
        var small = new DecodeBudget(1000);
        Assert.True(new ImageLoader(new ImageLoadOptions(32, ResizeMode.Crop, "#ffffff"), small).TryLoad(png, new byte[loader.PixelBytes], out _));
        Assert.Equal(1000, small.Peak);
    }
}
