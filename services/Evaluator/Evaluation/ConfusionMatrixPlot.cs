using System.Globalization;
using ScottPlot;

namespace Pipeline.Evaluator.Evaluation;

/// <summary>Heat map of the confusion matrix: rows are true classes (first class on top), columns predicted, counts in the cells.</summary>
internal static class ConfusionMatrixPlot
{
    private const int CellPixelsWithCounts = 56;
    private const int CellPixelsWithoutCounts = 24;
    private const int MinimumPlotPixels = 320;
    private const int MarginPixels = 240;

    // Past this many classes the counts would not fit their cells; the colours still tell the story.
    private const int MaxClassesWithCounts = 30;

    // Beyond this, rotate column labels so that neighbours do not overlap.
    private const int MaxUnrotatedLabelLength = 6;

    private const int MaxLabelLength = 28;

    public static byte[] Render(IReadOnlyList<string> classes, int[][] confusion)
    {
        var n = classes.Count;
        var counts = new double[n, n];
        for (var row = 0; row < n; row++)
            for (var column = 0; column < n; column++)
                counts[row, column] = confusion[row][column];

        var plot = PlotImage.NewPlot();
        var maxCount = Math.Max(1, confusion.Max(row => row.Max()));
        var heatmap = plot.Add.Heatmap(counts);
        // Zero is white and the largest count darkest, as readers of confusion matrices expect; the scale starts
        // at zero rather than at the smallest count so that a shade always means the same count.
        heatmap.Colormap = new ReversedColormap(new ScottPlot.Colormaps.Blues());
        heatmap.ManualRange = new ScottPlot.Range(0, maxCount);
        // Row 0 is drawn on top, so cell (row, column) is centred on (column, n - 1 - row).
        heatmap.Rectangle = new CoordinateRect(-0.5, n - 0.5, -0.5, n - 0.5);
        var colorBar = plot.Add.ColorBar(heatmap);
        colorBar.Label = "count";
        colorBar.Axis.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };

        var showCounts = n <= MaxClassesWithCounts;
        if (showCounts)
            AddCounts(plot, confusion, maxCount);

        var labels = classes.Select(Shorten).ToArray();
        var positions = Enumerable.Range(0, n).Select(i => (double)i).ToArray();
        plot.Axes.Bottom.SetTicks(positions, labels);
        plot.Axes.Left.SetTicks(positions.Reverse().ToArray(), labels);
        if (labels.Any(label => label.Length > MaxUnrotatedLabelLength))
            RotateColumnLabels(plot, labels);
        plot.XLabel("predicted class");
        plot.YLabel("true class");
        plot.Title("Confusion matrix (test split)");
        plot.Axes.SetLimits(-0.5, n - 0.5, -0.5, n - 0.5);
        plot.HideGrid();

        var cellPixels = showCounts ? CellPixelsWithCounts : CellPixelsWithoutCounts;
        var side = Math.Max(n * cellPixels, MinimumPlotPixels) + MarginPixels;
        // The extra width is for the colour bar, so that the cells stay square.
        return PlotImage.ToPng(plot, side + CellPixelsWithCounts * 2, side);
    }

    private static void AddCounts(Plot plot, int[][] confusion, double maxCount)
    {
        var n = confusion.Length;
        for (var row = 0; row < n; row++)
            for (var column = 0; column < n; column++)
            {
                var count = confusion[row][column];
                var text = plot.Add.Text(count.ToString(CultureInfo.InvariantCulture), column, n - 1 - row);
                text.LabelAlignment = Alignment.MiddleCenter;
                text.LabelFontSize = 14;
                // White on dark cells, black on light ones, so that every count stays readable.
                text.LabelFontColor = count > maxCount / 2 ? Colors.White : Colors.Black;
            }
    }

    // ScottPlot does not make room for rotated tick labels by itself: measure the widest and reserve its height.
    private static void RotateColumnLabels(Plot plot, string[] labels)
    {
        const float degrees = 45;
        var style = plot.Axes.Bottom.TickLabelStyle;
        // Each label ends at its tick and runs down to the left, into the margin the row labels leave.
        style.Rotation = -degrees;
        style.Alignment = Alignment.MiddleRight;
        using var paint = Paint.NewDisposablePaint();
        var widest = labels.Max(label => new LabelStyle { Text = label, FontName = style.FontName, FontSize = style.FontSize }.Measure(paint).Width);
        var labelHeight = plot.Axes.Bottom.Label.FontSize * 2;
        plot.Axes.Bottom.MinimumSize = widest * MathF.Sin(degrees * MathF.PI / 180) + labelHeight + style.FontSize;
    }

    private static string Shorten(string label) => label.Length <= MaxLabelLength ? label : label[..(MaxLabelLength - 1)] + "…";

    private sealed class ReversedColormap(IColormap colormap) : IColormap
    {
        public string Name => $"{colormap.Name} (reversed)";
        public Color GetColor(double position) => colormap.GetColor(1 - position);
    }
}
