using Pipeline.Contracts;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.PixelFormats;

namespace Pipeline.Testing;

/// <summary>
/// A dataset folder holding every kind of file a user may hand the pipeline, made for real (links, a FIFO, a link to a
/// device), with what each must become: a known colour, upright, or quarantined with a given code.
/// </summary>
public sealed class HostileCorpus
{
    private readonly Dictionary<string, (Rgb24 Colour, int Tolerance)> _colours = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _quarantined = new(StringComparer.Ordinal);
    private readonly string _folder;

    private HostileCorpus(string folder) => _folder = folder;

    /// <summary>Usable files whose prepared image is one colour, within a tolerance (JPEG is lossy).</summary>
    public IReadOnlyDictionary<string, (Rgb24 Colour, int Tolerance)> Colours => _colours;

    /// <summary>Files that must be quarantined, with their code.</summary>
    public IReadOnlyDictionary<string, string> Quarantined => _quarantined;

    /// <summary>The EXIF-rotated JPEG: prepared, it is red above blue.</summary>
    public const string Rotated = "apple/rotated.jpg";

    /// <summary>Writes the corpus into <paramref name="folder"/>; <paramref name="outside"/> is a folder next to it, for a link that leads out.</summary>
    public static HostileCorpus Write(string folder, string outside) => new HostileCorpus(folder).WriteAll(outside);

    private HostileCorpus WriteAll(string outside)
    {
        var green = new Rgb24(0, 200, 0);
        Colour("apple/plain.png", TestImageFiles.Red, 1, path => TestImageFiles.Solid(path, 60, 40, TestImageFiles.Red));
        Colour("apple/cmyk.jpg", green, 12, path => TestImageFiles.Bytes(path, TestImageFiles.CmykJpeg));
        Colour("apple/deep.png", TestImageFiles.Blue, 1, path => TestImageFiles.Solid16BitPng(path, 70, 50, new Rgb48(0, 0, ushort.MaxValue)));
        // Fully transparent palette entries over the default white background.
        Colour("apple/palette-transparent.png", new Rgb24(255, 255, 255), 1,
            path => TestImageFiles.Solid(path, 30, 30, new Rgba32(0, 0, 255, 0), new PngEncoder { ColorType = PngColorType.Palette }));
        Colour("apple/animated.gif", TestImageFiles.Red, 1, path => AnimatedGif(path));
        TestImageFiles.RotatedJpeg(Path.Combine(_folder, Rotated));

        Colour("banana/grey.jpg", new Rgb24(100, 100, 100), 3,
            path => TestImageFiles.Solid(path, 50, 50, new L8(100), new JpegEncoder { ColorType = JpegColorType.Luminance, Quality = 95 }));
        Colour("banana/lossless.webp", new Rgb24(10, 20, 30), 1,
            path => TestImageFiles.Solid(path, 40, 40, new Rgb24(10, 20, 30), new WebpEncoder { FileFormat = WebpFileFormatType.Lossless }));
        Colour("banana/page.tiff", new Rgb24(200, 100, 0), 1, path => TestImageFiles.Solid(path, 40, 30, new Rgb24(200, 100, 0)));
        Colour("banana/bitmap.bmp", new Rgb24(0, 100, 200), 1, path => TestImageFiles.Solid(path, 40, 30, new Rgb24(0, 100, 200)));
        Colour("banana/plain.png", new Rgb24(255, 255, 0), 1, path => TestImageFiles.Solid(path, 40, 30, new Rgb24(255, 255, 0)));

        var photo = TestImageFiles.NoisyJpeg(seed: 3);
        Quarantine("banana/cut-30.jpg", QuarantineCodes.Truncated, path => TestImageFiles.Bytes(path, photo[..(photo.Length * 3 / 10)]));
        Quarantine("banana/cut-90.jpg", QuarantineCodes.Truncated, path => TestImageFiles.Bytes(path, photo[..(photo.Length * 9 / 10)]));
        Quarantine("banana/header-only.jpg", QuarantineCodes.Truncated, path => TestImageFiles.Bytes(path, photo[..TestImageFiles.JpegHeaderLength(photo)]));
        Quarantine("banana/zero-bytes.png", QuarantineCodes.Truncated, path => TestImageFiles.Bytes(path, []));
        Quarantine("apple/text.jpg", QuarantineCodes.NotAnImage, path => TestImageFiles.Bytes(path, "just some notes"u8.ToArray()));
        Quarantine("apple/page.png", QuarantineCodes.NotAnImage, path => TestImageFiles.Bytes(path, "<!DOCTYPE html><html><body>404</body></html>"u8.ToArray()));
        Quarantine("apple/huge-claim.png", QuarantineCodes.TooManyPixels, path => TestImageFiles.Bytes(path, HostileImages.PngClaiming(60000, 60000)));
        Quarantine("apple/loop", QuarantineCodes.NotRegularFile, path => SpecialFiles.SymbolicLink(path, ".."));
        Quarantine("apple/zero.jpg", QuarantineCodes.NotRegularFile, path => SpecialFiles.SymbolicLink(path, "/dev/zero"));
        Quarantine("banana/pipe.jpg", QuarantineCodes.NotRegularFile, path => SpecialFiles.Fifo(path));
        Quarantine("banana/outside.png", QuarantineCodes.LinkOutsideRoot,
            path => SpecialFiles.SymbolicLink(path, TestImageFiles.Solid(Path.Combine(outside, "secret.png"), 8, 8, TestImageFiles.Blue)));
        // The same bytes as apple/plain.png, under another class.
        Quarantine("banana/also-apple.png", QuarantineCodes.LabelConflict, path => File.Copy(Path.Combine(_folder, "apple/plain.png"), path));
        return this;
    }

    private void Colour(string relative, Rgb24 colour, int tolerance, Action<string> write)
    {
        write(Path.Combine(_folder, relative));
        _colours[relative] = (colour, tolerance);
    }

    private void Quarantine(string relative, string code, Action<string> write)
    {
        var path = Path.Combine(_folder, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        write(path);
        _quarantined[relative] = code;
    }

    /// <summary>Two frames, red then blue: only the first is used.</summary>
    private static string AnimatedGif(string path)
    {
        using var image = new Image<Rgba32>(30, 20, new Rgba32(255, 0, 0));
        using var second = new Image<Rgba32>(30, 20, new Rgba32(0, 0, 255));
        image.Frames.AddFrame(second.Frames.RootFrame);
        return TestImageFiles.Save(image, path, new GifEncoder());
    }

}
