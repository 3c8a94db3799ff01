using Pipeline.Contracts;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Pipeline.Trainer.Training;

/// <summary>
/// Training-time augmentation on a whole uint8 NHWC batch at once: a random rotation within ±<paramref name="maxDegrees"/>
/// and a horizontal flip with probability <paramref name="flipProbability"/>, one affine transform per image
/// (affine_grid + grid_sample, bilinear, black corners). Returns uint8 NHWC so the classifier sees one input format.
/// </summary>
public sealed class RandomRotationFlip(double maxDegrees = TrainingSpec.DefaultRotation, double flipProbability = RandomRotationFlip.HalfTheTime)
{
    /// <summary>The flip probability of <c>--flip true</c>: a mirrored and a plain image are equally likely.</summary>
    public const double HalfTheTime = 0.5;

    /// <summary>The augmentation a trial's specification asks for (<see cref="TrainingSpec.Rotation"/>, <see cref="TrainingSpec.Flip"/>).</summary>
    public static RandomRotationFlip Of(TrainingSpec spec) => new(spec.Rotation, spec.Flip ? HalfTheTime : 0);

    public double MaxDegrees => maxDegrees;
    public double FlipProbability => flipProbability;

    public Tensor Apply(Tensor images, Random random)
    {
        using var scope = NewDisposeScope();
        var (n, height, width) = (images.shape[0], images.shape[1], images.shape[2]);
        var theta = new float[n * 6];
        // Rotation in pixel space expressed in affine_grid's [-1, 1] coordinates, so non-square images rotate without shear.
        var (hOverW, wOverH) = ((double)height / width, (double)width / height);
        for (var i = 0; i < n; i++)
        {
            var angle = (random.NextDouble() * 2 - 1) * maxDegrees * Math.PI / 180;
            var flip = random.NextDouble() < flipProbability ? -1 : 1;
            var (sin, cos) = Math.SinCos(angle);
            theta[i * 6 + 0] = (float)(cos * flip);
            theta[i * 6 + 1] = (float)(-sin * hOverW);
            theta[i * 6 + 3] = (float)(sin * wOverH * flip);
            theta[i * 6 + 4] = (float)cos;
        }
        var grid = functional.affine_grid(tensor(theta, [n, 2, 3], device: images.device), [n, 3, height, width], align_corners: false);
        var pixels = images.permute(0, 3, 1, 2).to(ScalarType.Float32);
        var turned = functional.grid_sample(pixels, grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Zeros, align_corners: false);
        return scope.MoveToOuter(turned.round().clamp(0, 255).to(ScalarType.Byte).permute(0, 2, 3, 1).contiguous());
    }
}
