namespace Pipeline.Imaging;

/// <summary>Which library turns JPEG bytes into pixels. Every other step (identify, limits, orientation, resize) is ImageSharp's either way.</summary>
public enum ImageDecoder
{
    /// <summary>ImageSharp decodes every format at full size.</summary>
    ImageSharp,

    /// <summary>
    /// SkiaSharp's libjpeg-turbo decodes JPEGs, at 1/2 to 1/8 scale inside the DCT when the image is larger than needed;
    /// other formats stay with ImageSharp.
    /// </summary>
    Skia,
}
