using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Pipeline.Contracts;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.Metadata;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using ImageSharpResizeMode = SixLabors.ImageSharp.Processing.ResizeMode;

namespace Pipeline.Imaging;

/// <summary>
/// Turns the bytes of one untrusted file into canonical square RGB8 pixels (HWC), or says in words why it cannot.
/// Thread-safe: one instance serves every decoding thread.
/// </summary>
public sealed class ImageLoader
{
    private readonly ImageLoadOptions _options;
    private readonly Configuration _configuration;
    private readonly Rgba32 _background;

    /// <summary>Decoded bytes per pixel at the peak of a decode (RGBA, its RGB copy, resize buffers), for the budget's estimate.</summary>
    public const int DecodeBytesPerPixel = 8;

    private readonly DecodeBudget _budget;

    /// <param name="budget">Shared by every thread that decodes with this loader; none means no limit beyond the pixel cap.</param>
    public ImageLoader(ImageLoadOptions options, DecodeBudget? budget = null)
    {
        _options = options;
        _budget = budget ?? new DecodeBudget(long.MaxValue);
        _background = Color.ParseHex(options.Background).ToPixel<Rgba32>();
        _configuration = Configuration.Default.Clone();
        // The caller already runs one image per core; nested parallelism would only add contention.
        _configuration.MaxDegreeOfParallelism = 1;
        // Only the first frame is used; decoding all frames of an animation would let a small file claim unbounded memory.
        _configuration.ImageFormatsManager.SetDecoder(GifFormat.Instance, new GifDecoder { DecodingMode = FrameDecodingMode.First });
        _configuration.ImageFormatsManager.SetDecoder(TiffFormat.Instance, new TiffDecoder { DecodingMode = FrameDecodingMode.First });
    }

    public int PixelBytes => _options.PixelBytes;

    /// <summary>The image formats this loader reads, by name.</summary>
    public IEnumerable<string> Formats => _configuration.ImageFormats.Select(f => f.Name).Order(StringComparer.Ordinal);

    /// <summary>
    /// Decodes <paramref name="bytes"/>, honours the EXIF orientation, composites transparency on the background, resizes to the
    /// target square and writes RGB8 pixels into <paramref name="destination"/>. Never throws for bad content: returns false with a reason.
    /// </summary>
    public bool TryLoad(byte[] bytes, Span<byte> destination, [NotNullWhen(false)] out ImageProblem? problem)
    {
        if (destination.Length < PixelBytes)
            throw new ArgumentException($"The buffer holds {destination.Length} bytes; an image needs {PixelBytes}.", nameof(destination));
        problem = bytes.Length == 0 ? new ImageProblem(QuarantineCodes.Truncated, "the file is empty (0 bytes)") : Decode(bytes, destination);
        return problem is null;
    }

    private ImageProblem? Decode(byte[] bytes, Span<byte> destination)
    {
        var format = Image.DetectFormat(_configuration, bytes);
        if (format is null)
            return new ImageProblem(QuarantineCodes.NotAnImage, $"not an image: its content matches none of the formats the pipeline reads ({string.Join(", ", Formats)})");
        // Decoders meet arbitrary bytes here and fail in arbitrary ways (format, index, overflow, allocation errors):
        // whatever they throw, this one file is bad, not the run.
        try
        {
            if ((format is JpegFormat ? ImageIntegrity.CheckJpeg(bytes) : format is PngFormat ? ImageIntegrity.CheckPng(bytes) : null) is { } damaged)
                return damaged;
            var info = Image.Identify(_configuration, bytes, out _);
            if (info is null || info.Width <= 0 || info.Height <= 0)
                return new ImageProblem(QuarantineCodes.Corrupt, $"not a valid {format.Name}: the header holds no image size");
            var pixels = (long)info.Width * info.Height;
            if (pixels > _options.MaxPixels)
                return new ImageProblem(QuarantineCodes.TooManyPixels, string.Create(CultureInfo.InvariantCulture,
                    $"{info.Width}x{info.Height} pixels ({pixels / 1e6:F1} megapixels) is over the {_options.MaxPixels / 1e6:0.#} megapixel limit"));

            var claim = _budget.Acquire(pixels * DecodeBytesPerPixel);
            try
            {
                using var image = format is not JpegFormat ? LoadComposited(bytes)
                    : _options.Decoder == ImageDecoder.Skia ? SkiaJpeg.Decode(_configuration, bytes, _options.Size, info.Metadata.ExifProfile)
                    : Image.Load<Rgb24>(_configuration, bytes);
                image.Mutate(context => context
                    .AutoOrient()
                    .Resize(new ResizeOptions
                    {
                        Size = new Size(_options.Size, _options.Size),
                        Mode = _options.Resize == Contracts.ResizeMode.Stretch ? ImageSharpResizeMode.Stretch : ImageSharpResizeMode.Crop,
                        Position = AnchorPositionMode.Center,
                        // Bilinear, widened when shrinking (antialiased): what torchvision's Resize does, so what ImageNet
                        // weights were trained on; and half the taps of ImageSharp's default bicubic.
                        Sampler = KnownResamplers.Triangle,
                    }));
                image.CopyPixelDataTo(destination[..PixelBytes]);
                return null;
            }
            finally
            {
                _budget.Release(claim);
            }
        }
        catch (NotSupportedException e)
        {
            return new ImageProblem(QuarantineCodes.UnsupportedFormat, $"a {format.Name} variant the pipeline cannot decode: {e.Message}; convert it to PNG or JPEG");
        }
        catch (Exception e)
        {
            return new ImageProblem(QuarantineCodes.Corrupt, $"not a valid {format.Name}: {e.Message}");
        }
    }

    /// <summary>Formats that may carry transparency: composite it on the background rather than exposing whatever colour hides under it.</summary>
    private Image<Rgb24> LoadComposited(byte[] bytes)
    {
        using var image = Image.Load<Rgba32>(_configuration, bytes);
        image.Mutate(context => context.BackgroundColor(_background));
        return image.CloneAs<Rgb24>();
    }
}
