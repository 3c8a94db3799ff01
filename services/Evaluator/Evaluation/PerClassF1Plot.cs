using ScottPlot;

namespace Pipeline.Evaluator.Evaluation;

/// <summary>One bar per class, worst F1 first, with the macro average as a line: where the model is weakest at a glance.</summary>
internal static class PerClassF1Plot
{
    private const int BarPixels = 28;
    private const int MinimumPlotPixels = 400;
    private const int MaximumPlotPixels = 1600;
    private const int PlotHeight = 320;
    private const int LeftPixels = 80;
    private const int RightPixels = 30;
    private const int AxisTitlePixels = 50;

    public static byte[] Render(ClassificationMetrics metrics) => Build(metrics).ToPng();

    public static PlotFigure Build(ClassificationMetrics metrics)
    {
        var ranked = metrics.PerClass.OrderBy(score => score.F1).ToList();
        var n = ranked.Count;
        var plot = PlotImage.NewPlot();
        var bars = plot.Add.Bars(ranked.Select((score, i) => new Bar { Position = i, Value = score.F1, Size = 0.8, FillColor = Colors.C0 }).ToList());
        bars.LegendText = "F1 per class";
        var macro = plot.Add.HorizontalLine(metrics.MacroAverage.F1, 1.5f, Colors.Black, LinePattern.Dashed);
        macro.LegendText = $"macro F1 ({metrics.MacroAverage.F1:0.000})";

        var width = Math.Clamp(n * BarPixels, MinimumPlotPixels, MaximumPlotPixels);
        var axis = ClassAxis.Measure(ranked.Select(score => score.Class), plot);
        var layout = AxisLabelLayout.ForHorizontalAxis(n, width, axis.LineHeight, axis.Widest);
        axis.Apply(plot.Axes.Bottom, Enumerable.Range(0, n).Select(i => (double)i).ToArray(), layout);
        plot.XLabel("class (worst first)");
        plot.YLabel("F1");
        plot.Title("F1 per class (test split)");
        plot.Axes.SetLimits(-0.5, n - 0.5, 0, 1.05);
        plot.ShowLegend(Alignment.UpperLeft);

        var bottom = axis.ReserveRoomBelow(plot.Axes.Bottom, layout, AxisTitlePixels);
        plot.Layout.Fixed(new PixelPadding(LeftPixels, RightPixels, bottom, AxisTitlePixels));
        return new PlotFigure(plot, LeftPixels + width + RightPixels, AxisTitlePixels + PlotHeight + bottom);
    }
}
