using System.Globalization;
using ScottPlot;

namespace Pipeline.Evaluator.Evaluation;

/// <summary>Heat map of the confusion matrix: rows are true classes (first class on top), columns predicted, counts in the cells.</summary>
internal static class ConfusionMatrixPlot
{
    private const int CellPixelsWithCounts = 56;
    private const int CellPixelsWithoutCounts = 24;
    private const int MinimumPlotPixels = 320;

    // Past this the image would be unwieldy in a page; cells shrink and labels thin out instead.
    private const int MaximumPlotPixels = 1600;

    // Room for an axis title and the gap to the tick labels; the colour bar and its title on the right.
    private const int AxisTitlePixels = 50;
    private const int ColorBarPixels = 130;

    // Past this many classes the counts would not fit their cells; the colours still tell the story.
    private const int MaxClassesWithCounts = 30;

    public static byte[] Render(IReadOnlyList<string> classes, int[][] confusion) => Build(classes, confusion).ToPng();

    public static PlotFigure Build(IReadOnlyList<string> classes, int[][] confusion)
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

        var side = Math.Clamp(n * (showCounts ? CellPixelsWithCounts : CellPixelsWithoutCounts), MinimumPlotPixels, MaximumPlotPixels);
        var axis = ClassAxis.Measure(classes, plot);
        var columnLayout = AxisLabelLayout.ForHorizontalAxis(n, side, axis.LineHeight, axis.Widest);
        var rowLayout = AxisLabelLayout.ForVerticalAxis(n, side, axis.LineHeight);
        axis.Apply(plot.Axes.Bottom, Enumerable.Range(0, n).Select(i => (double)i).ToArray(), columnLayout);
        axis.Apply(plot.Axes.Left, Enumerable.Range(0, n).Select(i => (double)(n - 1 - i)).ToArray(), rowLayout);
        plot.XLabel("predicted class");
        plot.YLabel("true class");
        plot.Title("Confusion matrix (test split)");
        plot.Axes.SetLimits(-0.5, n - 0.5, -0.5, n - 0.5);
        plot.HideGrid();

        // A fixed frame keeps the cells square and gives the label layout the axis length it planned with.
        var left = (int)Math.Ceiling(axis.Widest) + AxisTitlePixels;
        var bottom = axis.ReserveRoomBelow(plot.Axes.Bottom, columnLayout, AxisTitlePixels);
        plot.Layout.Fixed(new PixelPadding(left, ColorBarPixels, bottom, AxisTitlePixels));
        return new PlotFigure(plot, left + side + ColorBarPixels, AxisTitlePixels + side + bottom);
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

    private sealed class ReversedColormap(IColormap colormap) : IColormap
    {
        public string Name => $"{colormap.Name} (reversed)";
        public Color GetColor(double position) => colormap.GetColor(1 - position);
    }
}
