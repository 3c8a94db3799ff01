using System.Globalization;
using ScottPlot;

namespace Pipeline.Evaluator.Evaluation;

/// <summary>
/// Accuracy against confidence in the 15 calibration bins: bars on the diagonal belong to a calibrated model, bars
/// below it to an overconfident one. Each bar is labelled with its number of images.
/// </summary>
internal static class ReliabilityDiagram
{
    private const int PlotPixels = 480;
    private const int LeftPixels = 80;
    private const int RightPixels = 30;
    private const int BottomPixels = 70;
    private const int TopPixels = 50;

    public static byte[] Render(IReadOnlyList<CalibrationBin> bins, double expectedCalibrationError) => Build(bins, expectedCalibrationError).ToPng();

    public static PlotFigure Build(IReadOnlyList<CalibrationBin> bins, double expectedCalibrationError)
    {
        var plot = PlotImage.NewPlot();
        var filled = bins.Where(bin => bin.Count > 0).ToList();
        var bars = plot.Add.Bars(filled.Select(bin => new Bar
        {
            Position = (bin.Lower + bin.Upper) / 2,
            Value = bin.Accuracy!.Value,
            Size = bin.Upper - bin.Lower,
            FillColor = Colors.C0.WithAlpha(0.8),
            LineColor = Colors.White,
        }).ToList());
        bars.LegendText = "accuracy in the bin";
        foreach (var bin in filled)
        {
            var count = plot.Add.Text(bin.Count.ToString(CultureInfo.InvariantCulture), (bin.Lower + bin.Upper) / 2, bin.Accuracy!.Value);
            count.LabelAlignment = Alignment.LowerCenter;
            count.LabelFontSize = 11;
        }
        var diagonal = plot.Add.Line(0, 0, 1, 1);
        diagonal.LinePattern = LinePattern.Dashed;
        diagonal.Color = Colors.Gray;
        diagonal.LegendText = "perfect calibration";

        plot.XLabel("confidence (probability of the predicted class)");
        plot.YLabel("accuracy");
        plot.Title(string.Create(CultureInfo.InvariantCulture, $"Reliability (test split), ECE {expectedCalibrationError:0.000}"));
        plot.Axes.SetLimits(0, 1, 0, 1.05);
        plot.ShowLegend(Alignment.UpperLeft);
        plot.Layout.Fixed(new PixelPadding(LeftPixels, RightPixels, BottomPixels, TopPixels));
        return new PlotFigure(plot, LeftPixels + PlotPixels + RightPixels, TopPixels + PlotPixels + BottomPixels);
    }
}
