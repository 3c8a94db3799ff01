namespace Pipeline.ModelZoo.Normalization;

/// <summary>
/// How a backbone wants its input, starting from RGB pixels 0..255: reorder channels, multiply by
/// <see cref="Scale"/>, subtract the mean, divide by <see cref="Std"/>. Recorded in every model file.
/// </summary>
/// <param name="Mean">Per channel, in <see cref="ChannelOrder"/>. With <see cref="PerPixelMean"/> these are the channel
/// averages of a mean image (for people reading the file); the image itself is in the model weights.</param>
public sealed record InputNormalization(ChannelOrder ChannelOrder, float Scale, float[] Mean, float[] Std, bool PerPixelMean)
{
    /// <summary>torchvision's ImageNet weights: RGB in 0..1, ImageNet mean and std.</summary>
    public static readonly InputNormalization ImageNet = new(
        ChannelOrder.Rgb, 1f / 255, [0.485f, 0.456f, 0.406f], [0.229f, 0.224f, 0.225f], PerPixelMean: false);
}
