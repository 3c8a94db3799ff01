using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Pipeline.ModelZoo.Normalization;

/// <summary>
/// Turns a uint8 NHWC RGB batch into the backbone's float NCHW input on whatever device the batch is on.
/// The mean (per channel, or a whole mean image) and std are buffers, so they travel in the weights.
/// </summary>
public sealed class InputNormalizer : Module<Tensor, Tensor>
{
    private readonly InputNormalization normalization;
    private readonly Tensor mean;
    private readonly Tensor std;

    /// <param name="meanImage">[3, H, W] in the normalisation's channel order; required when it has a per-pixel mean.</param>
    public InputNormalizer(InputNormalization normalization, int height, int width, Tensor? meanImage = null) : base(nameof(InputNormalizer))
    {
        this.normalization = normalization;
        if (normalization.PerPixelMean)
        {
            // Placeholder of the right shape when the image comes with the weights that are loaded next.
            mean = (meanImage?.clone() ?? zeros(3, height, width)).reshape(1, 3, height, width);
        }
        else
            mean = tensor(normalization.Mean).reshape(1, 3, 1, 1);
        std = tensor(normalization.Std).reshape(1, 3, 1, 1);
        RegisterComponents();
    }

    public bool HasMeanImage => normalization.PerPixelMean;

    /// <summary>The description for the model file; a per-pixel mean reports the channel averages of the image it holds now.</summary>
    public InputNormalization Normalization
    {
        get
        {
            if (!normalization.PerPixelMean)
                return normalization;
            using var channelMeans = mean.mean([0, 2, 3]);
            return normalization with { Mean = channelMeans.data<float>().ToArray() };
        }
    }

    public override Tensor forward(Tensor images)
    {
        if (images.dtype != ScalarType.Byte || images.dim() != 4 || images.shape[3] != 3)
            throw new ArgumentException($"Expected a uint8 [N, H, W, 3] batch, got {images.dtype} [{string.Join(", ", images.shape)}].", nameof(images));
        using var scope = NewDisposeScope();
        var x = images.permute(0, 3, 1, 2).to(ScalarType.Float32);
        if (normalization.ChannelOrder == ChannelOrder.Bgr)
            x = x.flip(1);
        x = (x * normalization.Scale - mean) / std;
        return scope.MoveToOuter(x.contiguous());
    }
}
