using System.Runtime.InteropServices;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;

namespace Pipeline.Testing;

/// <summary>Writes small image files of known content for preprocessing tests.</summary>
public static class TestImageFiles
{
    public static readonly Rgb24 Red = new(255, 0, 0);
    public static readonly Rgb24 Blue = new(0, 0, 255);

    /// <summary>A single-colour image in <typeparamref name="TPixel"/>, saved in the format its extension names (or by <paramref name="encoder"/>).</summary>
    public static string Solid<TPixel>(string path, int width, int height, TPixel colour, IImageEncoder? encoder = null)
        where TPixel : unmanaged, IPixel<TPixel>
    {
        using var image = new Image<TPixel>(width, height, colour);
        return Save(image, path, encoder);
    }

    /// <summary>
    /// A 16x12 CMYK JPEG of solid rgb(0,200,0), made with ImageMagick 6
    /// (<c>convert -size 16x12 xc:'rgb(0,200,0)' -colorspace CMYK -quality 95</c>): ImageSharp 2 cannot encode CMYK.
    /// </summary>
    public static readonly byte[] CmykJpeg = Convert.FromBase64String(
        "/9j/7gAOQWRvYmUAZAAAAAAC/9sAQwACAQEBAQECAQEBAgICAgIEAwICAgIFBAQDBAYFBgYGBQYGBgcJCAYHCQcGBggLCAkKCgoKCgYICwwLCgwJCgoK/9sAQwECAgICAgIFAwMFCgcGBwoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoK/8AAFAgADAAQBAERAAIRAQMRAQQRAP/EABYAAQEBAAAAAAAAAAAAAAAAAAAHCf/EABQQAQAAAAAAAAAAAAAAAAAAAAD/xAAVAQEBAAAAAAAAAAAAAAAAAAAACf/EABQRAQAAAAAAAAAAAAAAAAAAAAD/2gAOBAEAAhEDEQQAAD8AkaqC1jSAAAAB/9k=");

    /// <summary>A 16-bit-per-channel PNG.</summary>
    public static string Solid16BitPng(string path, int width, int height, Rgb48 colour) =>
        Solid(path, width, height, colour, new PngEncoder { BitDepth = PngBitDepth.Bit16, ColorType = PngColorType.Rgb });

    /// <summary>An image whose left half is <paramref name="left"/> and right half <paramref name="right"/>.</summary>
    public static Image<Rgb24> Halves(int width, int height, Rgb24 left, Rgb24 right)
    {
        var image = new Image<Rgb24>(width, height);
        image.ProcessPixelRows(rows =>
        {
            for (var y = 0; y < rows.Height; y++)
            {
                var row = rows.GetRowSpan(y);
                row[..(width / 2)].Fill(left);
                row[(width / 2)..].Fill(right);
            }
        });
        return image;
    }

    /// <summary>Seeded noise: compressed, its pixel data is most of the file, as in a photo.</summary>
    public static Image<Rgb24> Noise(int width, int height, int seed)
    {
        var random = new Random(seed);
        var image = new Image<Rgb24>(width, height);
        image.ProcessPixelRows(rows =>
        {
            for (var y = 0; y < rows.Height; y++)
                random.NextBytes(MemoryMarshal.AsBytes(rows.GetRowSpan(y)));
        });
        return image;
    }

    /// <summary>A 120x90 JPEG of <see cref="Noise"/>, about 11 KB.</summary>
    public static byte[] NoisyJpeg(int seed)
    {
        using var image = Noise(120, 90, seed);
        using var file = new MemoryStream();
        image.SaveAsJpeg(file, new JpegEncoder { Quality = 90 });
        return file.ToArray();
    }

    /// <summary>Everything before the first scan's data (the end of the SOS segment): a JPEG cut there is all header.</summary>
    public static int JpegHeaderLength(byte[] jpeg)
    {
        var sos = jpeg.AsSpan().IndexOf([(byte)0xFF, (byte)0xDA]);
        return sos + 2 + (jpeg[sos + 2] << 8 | jpeg[sos + 3]);
    }

    /// <summary>
    /// Stored landscape (left red, right blue) with EXIF orientation 6, which viewers show rotated 90 degrees clockwise:
    /// upright it is portrait with red on top.
    /// </summary>
    public static string RotatedJpeg(string path)
    {
        using var image = Halves(300, 100, Red, Blue);
        image.Metadata.ExifProfile = new ExifProfile();
        image.Metadata.ExifProfile.SetValue(ExifTag.Orientation, (ushort)6);
        return Save(image, path, new JpegEncoder { Quality = 95 });
    }

    public static string Save(Image image, string path, IImageEncoder? encoder = null)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (encoder is null)
            image.Save(path);
        else
            image.Save(path, encoder);
        return path;
    }

    public static string Bytes(string path, byte[] content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
        return path;
    }
}
