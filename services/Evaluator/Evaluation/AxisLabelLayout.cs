namespace Pipeline.Evaluator.Evaluation;

/// <summary>
/// Which of an axis's evenly spaced labels (one per class) to draw, and whether to turn them upright, so that they
/// never overlap: the labels drawn x the room each takes along the axis (the font's line height, or the widest label
/// for level labels under a horizontal axis) never exceeds the axis length.
/// </summary>
/// <param name="Step">Draw labels 0, Step, 2 x Step, ...; 1 draws every label.</param>
/// <param name="Upright">Turn the labels of a horizontal axis by 90°, so that each takes one line height along it.</param>
public sealed record AxisLabelLayout(int Step, bool Upright)
{
    /// <summary>How many of <paramref name="count"/> labels are drawn.</summary>
    public int Shown(int count) => (count + Step - 1) / Step;

    /// <summary>Labels under a horizontal axis: level while they fit side by side, else upright, then thinned.</summary>
    public static AxisLabelLayout ForHorizontalAxis(int count, double axisPixels, double lineHeight, double widestLabel)
    {
        var levelRoom = Math.Max(widestLabel, lineHeight);
        return count * levelRoom <= axisPixels ? new(1, Upright: false) : new(Thinning(count, axisPixels, lineHeight), Upright: true);
    }

    /// <summary>Labels beside a vertical axis: always level, so each takes one line height; thinned when they do not all fit.</summary>
    public static AxisLabelLayout ForVerticalAxis(int count, double axisPixels, double lineHeight) =>
        new(Thinning(count, axisPixels, lineHeight), Upright: false);

    /// <summary>The smallest step at which the labels drawn fit; at least one label is always drawn.</summary>
    private static int Thinning(int count, double axisPixels, double room)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(room);
        var step = 1;
        while (step < count && (count + step - 1) / step * room > axisPixels)
            step++;
        return step;
    }
}
