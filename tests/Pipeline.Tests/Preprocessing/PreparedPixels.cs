using SixLabors.ImageSharp.PixelFormats;

namespace Pipeline.Tests.Preprocessing;

/// <summary>Checks on prepared images (uint8 HWC RGB squares).</summary>
internal static class PreparedPixels
{
    public static void AssertSolid(string file, ReadOnlySpan<byte> pixels, (Rgb24 Colour, int Tolerance) expected)
    {
        var (colour, tolerance) = expected;
        for (var p = 0; p < pixels.Length; p += 3)
            if (Math.Abs(pixels[p] - colour.R) > tolerance || Math.Abs(pixels[p + 1] - colour.G) > tolerance || Math.Abs(pixels[p + 2] - colour.B) > tolerance)
                Assert.Fail($"{file}: pixel {p / 3} is ({pixels[p]},{pixels[p + 1]},{pixels[p + 2]}), expected {colour} +-{tolerance}.");
    }

    /// <summary>Upright, <see cref="TestImageFiles.RotatedJpeg"/> is red above blue; ignoring EXIF would put red on the left, blue on the right.</summary>
    public static void AssertUpright(ReadOnlySpan<byte> pixels, int size)
    {
        Rgb24 At(ReadOnlySpan<byte> hwc, int row, int column) => new(hwc[(row * size + column) * 3], hwc[(row * size + column) * 3 + 1], hwc[(row * size + column) * 3 + 2]);
        var (near, far) = (size / 10, size * 9 / 10);
        foreach (var column in new[] { near, far })
        {
            Assert.True(At(pixels, near, column).R > 200 && At(pixels, near, column).B < 60, $"top at column {column} is {At(pixels, near, column)}");
            Assert.True(At(pixels, far, column).B > 200 && At(pixels, far, column).R < 60, $"bottom at column {column} is {At(pixels, far, column)}");
        }
    }
}
