namespace Pipeline.ModelZoo.Tests;

/// <summary>How far our outputs are from a reference implementation's: the largest absolute difference, that difference
/// relative to the largest reference magnitude (what the parity targets bound), and the largest elementwise relative
/// difference (elements below 1e-3 count as 1e-3, so that near-zeros do not dominate).</summary>
public sealed record ParityDifference(double MaxAbs, double Relative, double MaxElementwiseRelative)
{
    public static ParityDifference Of(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        var maxAbs = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
        var scale = expected.Max(Math.Abs);
        var maxRelative = expected.Zip(actual, (e, a) => Math.Abs(e - a) / Math.Max(Math.Abs(e), 1e-3)).Max();
        return new ParityDifference(maxAbs, maxAbs / scale, maxRelative);
    }

    public override string ToString() =>
        $"max |diff| {MaxAbs:E2}, max |diff|/max |reference| {Relative:E2}, max elementwise relative {MaxElementwiseRelative:E2}";
}
