using Pipeline.Contracts;
using Pipeline.Imaging;
using Pipeline.Tests.Preprocessing;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.PixelFormats;
using SkiaSharp;

namespace Pipeline.Tests.Imaging;

public sealed class SkiaJpegTests : IDisposable
{
    private const int Size = 64;
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>A smooth photo-like JPEG: colour ramps across and down, and a dark disc, so that a shifted or flipped decode shows.</summary>
    private static byte[] SmoothJpeg(int width, int height)
    {
        using var image = new Image<Rgb24>(width, height);
        image.ProcessPixelRows(rows =>
        {
            for (var y = 0; y < rows.Height; y++)
            {
                var row = rows.GetRowSpan(y);
                for (var x = 0; x < row.Length; x++)
                {
                    var inDisc = Math.Pow(x - width / 3.0, 2) + Math.Pow(y - height / 2.0, 2) < Math.Pow(height / 4.0, 2);
                    row[x] = inDisc ? new Rgb24(20, 30, 40) : new Rgb24((byte)(255 * x / width), (byte)(255 * y / height), (byte)(128 + 100 * x / width - 50 * y / height));
                }
            }
        });
        using var file = new MemoryStream();
        image.SaveAsJpeg(file, new JpegEncoder { Quality = 95 });
        return file.ToArray();
    }

    private static byte[] Load(ImageDecoder decoder, byte[] bytes, ResizeMode resize = ResizeMode.Crop)
    {
        var loader = new ImageLoader(new ImageLoadOptions(Size, resize, "#ffffff", Decoder: decoder));
        var pixels = new byte[loader.PixelBytes];
        Assert.True(loader.TryLoad(bytes, pixels, out var problem), problem?.Message);
        return pixels;
    }

    private static double MeanAbsoluteDifference(byte[] a, byte[] b) => a.Zip(b, (x, y) => Math.Abs(x - y)).Average();

    [Theory]
    [InlineData(80, 60, ResizeMode.Crop)] // no larger than needed: decoded at full size
    [InlineData(224, 168, ResizeMode.Crop)] // decoded at 1/2
    [InlineData(1200, 900, ResizeMode.Crop)] // decoded at 1/8
    [InlineData(1200, 900, ResizeMode.Stretch)]
    public void Skia_gives_nearly_the_pixels_ImageSharp_gives(int width, int height, ResizeMode resize)
    {
        var jpeg = SmoothJpeg(width, height);

        var difference = MeanAbsoluteDifference(Load(ImageDecoder.Skia, jpeg, resize), Load(ImageDecoder.ImageSharp, jpeg, resize));

        Assert.InRange(difference, 0, 2.5);
    }

    [Fact]
    public void A_large_JPEG_is_decoded_at_the_smallest_eighth_scale_that_still_covers_the_target()
    {
        using var data = SKData.CreateCopy(SmoothJpeg(1200, 900));
        using var codec = SKCodec.Create(data);

        // libjpeg-turbo scales by n/8, rounding up: of 1200x900, 1/8 is 150x113, 2/8 300x225, 3/8 450x338, 4/8 600x450,
        // 6/8 900x675. The smallest whose shorter side reaches the target wins.
        Assert.Equal(new SKSizeI(150, 113), SkiaJpeg.DecodeSize(codec, 64));
        Assert.Equal(new SKSizeI(300, 225), SkiaJpeg.DecodeSize(codec, 224));
        Assert.Equal(new SKSizeI(300, 225), SkiaJpeg.DecodeSize(codec, 225));
        Assert.Equal(new SKSizeI(450, 338), SkiaJpeg.DecodeSize(codec, 226));
        Assert.Equal(new SKSizeI(600, 450), SkiaJpeg.DecodeSize(codec, 400));
        Assert.Equal(new SKSizeI(900, 675), SkiaJpeg.DecodeSize(codec, 600));
        Assert.Equal(new SKSizeI(1200, 900), SkiaJpeg.DecodeSize(codec, 900));
        Assert.Equal(new SKSizeI(1200, 900), SkiaJpeg.DecodeSize(codec, 1024));
    }

    [Fact]
    public void Skia_applies_the_EXIF_orientation_also_when_it_decodes_at_reduced_scale()
    {
        var rotated = File.ReadAllBytes(TestImageFiles.RotatedJpeg(_temp.Combine("rotated.jpg")));
        using var data = SKData.CreateCopy(rotated);
        using var codec = SKCodec.Create(data);
        Assert.True(SkiaJpeg.DecodeSize(codec, Size).Width < codec.Info.Width, "the 300x100 photo should be decoded below full size for 64 pixels");

        PreparedPixels.AssertUpright(Load(ImageDecoder.Skia, rotated), Size);
    }
}
