using Pipeline.Datasets;
using static TorchSharp.torch;

namespace Pipeline.ModelZoo.Classification;

public static class ImageBatch
{
    /// <summary>The images at <paramref name="indices"/> as a uint8 [N, H, W, 3] tensor (a copy: the split stays untouched).</summary>
    public static Tensor Pixels(SplitImages images, ReadOnlySpan<int> indices, Device? device = null)
    {
        var perImage = images.PixelsPerImage;
        var pixels = new byte[indices.Length * perImage];
        for (var i = 0; i < indices.Length; i++)
            images.Image(indices[i]).CopyTo(pixels.AsSpan(i * perImage, perImage));
        return tensor(pixels, [indices.Length, images.Height, images.Width, 3], device: device);
    }

    public static Tensor Labels(SplitImages images, ReadOnlySpan<int> indices, Device? device = null)
    {
        var labels = new long[indices.Length];
        for (var i = 0; i < indices.Length; i++)
            labels[i] = images.Labels[indices[i]];
        return tensor(labels, device: device);
    }
}
