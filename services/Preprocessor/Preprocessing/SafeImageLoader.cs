using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Pipeline.Shards;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.Metadata;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace Pipeline.Preprocessor.Preprocessing;

/// <summary>
/// Turns one untrusted file into canonical square RGB8 pixels (HWC), or says in words why it cannot.
/// Thread-safe: one instance serves every decoding thread.
/// </summary>
public sealed class SafeImageLoader
{
    private readonly PreprocessingOptions _options;
    private readonly Configuration _configuration;

    public SafeImageLoader(PreprocessingOptions options)
    {
        _options = options;
        _configuration = Configuration.Default.Clone();
        // The caller already runs one image per core; nested parallelism would only add contention.
        _configuration.MaxDegreeOfParallelism = 1;
        // Only the first frame is used; decoding all frames of an animation would let a small file claim unbounded memory.
        _configuration.ImageFormatsManager.SetDecoder(GifFormat.Instance, new GifDecoder { DecodingMode = FrameDecodingMode.First });
        _configuration.ImageFormatsManager.SetDecoder(TiffFormat.Instance, new TiffDecoder { DecodingMode = FrameDecodingMode.First });
    }

    public int PixelBytes => ShardFormat.PixelCount(_options.ImageSize, _options.ImageSize);

    /// <summary>
    /// Decodes <paramref name="path"/>, honours its EXIF orientation, scales its shorter side to the target size, centre-crops,
    /// and writes RGB8 pixels into <paramref name="destination"/>. Never throws for bad content: returns false with a reason.
    /// </summary>
    public bool TryLoad(string path, Span<byte> destination, [NotNullWhen(false)] out string? problem)
    {
        if (destination.Length < PixelBytes)
            throw new ArgumentException($"The buffer holds {destination.Length} bytes; an image needs {PixelBytes}.", nameof(destination));
        problem = ReadCapped(path, out var bytes) ?? Decode(bytes!, destination);
        return problem is null;
    }

    private string? ReadCapped(string path, out byte[]? bytes)
    {
        bytes = null;
        try
        {
            var size = new FileInfo(path).Length;
            if (size == 0)
                return "the file is empty (0 bytes)";
            if (size > _options.MaxFileBytes)
                return $"the file is {Megabytes(size)} MiB; files over {Megabytes(_options.MaxFileBytes)} MiB are refused";
            bytes = File.ReadAllBytes(path);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"the file could not be read: {e.Message}";
        }
    }

    private string? Decode(byte[] bytes, Span<byte> destination)
    {
        var format = Image.DetectFormat(_configuration, bytes);
        if (format is null)
            return "not an image: its content matches none of the formats the pipeline reads " +
                   $"({string.Join(", ", _configuration.ImageFormats.Select(f => f.Name).Order(StringComparer.Ordinal))})";
        // Decoders meet arbitrary bytes here and fail in arbitrary ways (format, index, overflow, allocation errors):
        // whatever they throw, this one file is bad, not the run.
        try
        {
            var info = Image.Identify(_configuration, bytes, out _);
            if (info is null || info.Width <= 0 || info.Height <= 0)
                return $"not a valid {format.Name}: the header holds no image size";
            var pixels = (long)info.Width * info.Height;
            if (pixels > _options.MaxPixels)
                return string.Create(CultureInfo.InvariantCulture,
                    $"{info.Width}x{info.Height} pixels ({pixels / 1e6:F1} megapixels) is over the {_options.MaxPixels / 1e6:0.#} megapixel limit");

            using var image = Image.Load<Rgb24>(_configuration, bytes);
            image.Mutate(context => context
                .AutoOrient()
                .Resize(new ResizeOptions
                {
                    Size = new Size(_options.ImageSize, _options.ImageSize),
                    Mode = ResizeMode.Crop, // cover the square, keeping the aspect, then cut the overhang equally from both sides
                    Position = AnchorPositionMode.Center,
                }));
            image.CopyPixelDataTo(destination[..PixelBytes]);
            return null;
        }
        catch (Exception e)
        {
            return $"not a valid {format.Name}: {e.Message}";
        }
    }

    private static string Megabytes(long bytes) => (bytes / (1024.0 * 1024.0)).ToString("0.#", CultureInfo.InvariantCulture);
}
