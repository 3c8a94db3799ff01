using ScottPlot;

namespace Pipeline.Evaluator.Evaluation;

/// <summary>Class names as tick labels, laid out by <see cref="AxisLabelLayout"/> so that they stay readable from 2 to hundreds of classes.</summary>
internal sealed class ClassAxis
{
    private const int MaxLabelLength = 28;

    private ClassAxis(string[] labels, float widest, float lineHeight, float fontSize)
    {
        Labels = labels;
        Widest = widest;
        LineHeight = lineHeight;
        FontSize = fontSize;
    }

    public string[] Labels { get; }
    public float Widest { get; }
    public float LineHeight { get; }
    public float FontSize { get; }

    /// <summary>Shortens long names (the table has them whole) and measures them in the axis's tick font.</summary>
    public static ClassAxis Measure(IEnumerable<string> classes, Plot plot)
    {
        var labels = classes.Select(Shorten).ToArray();
        var style = plot.Axes.Bottom.TickLabelStyle;
        using var paint = Paint.NewDisposablePaint();
        var measured = labels.Select(label => new LabelStyle { Text = label, FontName = style.FontName, FontSize = style.FontSize }.Measure(paint)).ToList();
        return new ClassAxis(labels, measured.Max(m => m.Width), measured.Max(m => m.LineHeight), style.FontSize);
    }

    /// <summary>
    /// Pixels a horizontal axis needs below the plot: its labels (upright ones as deep as the widest) and its title.
    /// ScottPlot sizes an axis by its labels' unrotated height, which would put the title over upright labels.
    /// </summary>
    public int ReserveRoomBelow(IAxis axis, AxisLabelLayout layout, int titlePixels)
    {
        var pixels = (int)Math.Ceiling(layout.Upright ? Widest : LineHeight) + titlePixels;
        axis.MinimumSize = pixels;
        return pixels;
    }

    /// <summary>Puts every <see cref="AxisLabelLayout.Step"/>-th label at its position, upright when the layout says so.</summary>
    public void Apply(IAxis axis, double[] positions, AxisLabelLayout layout)
    {
        var shown = Enumerable.Range(0, Labels.Length).Where(i => i % layout.Step == 0).ToArray();
        axis.SetTicks(shown.Select(i => positions[i]).ToArray(), shown.Select(i => Labels[i]).ToArray());
        if (layout.Upright)
        {
            // Each label ends at its tick and reads bottom to top.
            axis.TickLabelStyle.Rotation = -90;
            axis.TickLabelStyle.Alignment = Alignment.MiddleRight;
        }
    }

    private static string Shorten(string label) => label.Length <= MaxLabelLength ? label : label[..(MaxLabelLength - 1)] + "…";
}
