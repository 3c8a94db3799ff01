using System.Runtime.InteropServices;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;
using SkiaSharp;

namespace Pipeline.Imaging;

/// <summary>
/// JPEG decoding by libjpeg-turbo (inside SkiaSharp), which can scale by 1/2 to 1/8 while inverting the DCT: a 12-megapixel
/// photo bound for 224x224 is decoded at a fraction of the work. Only for files ImageSharp has already identified and
/// accepted, so every check on untrusted bytes stays ImageSharp's.
/// </summary>
public static class SkiaJpeg
{
    /// <summary>
    /// The smallest size libjpeg-turbo can decode <paramref name="codec"/>'s image at (a multiple of 1/8 of it) whose sides
    /// are both at least <paramref name="size"/>, which is what either resize mode needs before its own filter; full size
    /// when the image is no larger.
    /// </summary>
    public static SKSizeI DecodeSize(SKCodec codec, int size)
    {
        // GetScaledDimensions rounds to the nearest eighth, which may fall short: try each eighth from the smallest up.
        for (var eighths = 1; eighths < 8; eighths++)
        {
            var scaled = codec.GetScaledDimensions(eighths / 8f);
            if (scaled.Width >= size && scaled.Height >= size)
                return scaled;
        }
        return codec.Info.Size;
    }

    /// <summary>
    /// Decodes <paramref name="bytes"/> at <see cref="DecodeSize"/> into an RGB8 image of <paramref name="configuration"/>,
    /// carrying the EXIF orientation that ImageSharp read from the header (<paramref name="exif"/>) so that the caller's
    /// AutoOrient applies it.
    /// </summary>
    /// <exception cref="InvalidDataException">libjpeg-turbo could not decode the whole image.</exception>
    public static Image<Rgb24> Decode(Configuration configuration, byte[] bytes, int size, ExifProfile? exif)
    {
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data) ?? throw new InvalidDataException("libjpeg-turbo does not recognise the file");
        var decodeSize = DecodeSize(codec, size);
        var info = new SKImageInfo(decodeSize.Width, decodeSize.Height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using var bitmap = new SKBitmap(info);
        var result = codec.GetPixels(info, bitmap.GetPixels());
        if (result != SKCodecResult.Success)
            throw new InvalidDataException($"libjpeg-turbo stopped decoding: {result}");

        var image = new Image<Rgb24>(configuration, info.Width, info.Height);
        image.ProcessPixelRows(rows =>
        {
            var rgba = bitmap.GetPixelSpan();
            for (var y = 0; y < rows.Height; y++)
                PixelOperations<Rgba32>.Instance.ToRgb24(configuration,
                    MemoryMarshal.Cast<byte, Rgba32>(rgba.Slice(y * bitmap.RowBytes, rows.Width * 4)), rows.GetRowSpan(y));
        });
        if (exif?.GetValue(ExifTag.Orientation) is { } orientation)
        {
            image.Metadata.ExifProfile = new ExifProfile();
            image.Metadata.ExifProfile.SetValue(ExifTag.Orientation, orientation.Value);
        }
        return image;
    }
}
