using Pipeline.Contracts;

namespace Pipeline.Imaging;

/// <summary>What a canonical image looks like (size, resize, background) and how large an image may claim to be.</summary>
/// <param name="MaxPixels">Checked from the header before decoding, so that a tiny file claiming huge dimensions cannot exhaust memory.</param>
/// <param name="Decoder">Which library decodes JPEGs once ImageSharp has accepted them.</param>
public sealed record ImageLoadOptions(int Size, ResizeMode Resize, string Background, long MaxPixels = ImageLoadOptions.DefaultMaxPixels,
    ImageDecoder Decoder = ImageDecoder.ImageSharp)
{
    public const long DefaultMaxPixels = 50_000_000;

    /// <summary>Files larger than this are refused before they are read, wherever images come from.</summary>
    public const long DefaultMaxFileBytes = 64L * 1024 * 1024;

    public static ImageLoadOptions From(PreprocessingSpec spec, long maxPixels = DefaultMaxPixels, ImageDecoder decoder = ImageDecoder.ImageSharp) =>
        new(spec.ImageSize, spec.Resize, spec.Background, maxPixels, decoder);

    public int PixelBytes => Size * Size * 3;
}
