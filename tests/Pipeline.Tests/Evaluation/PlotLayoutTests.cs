using Pipeline.Evaluator.Evaluation;
using SkiaSharp;

namespace Pipeline.Tests.Evaluation;

/// <summary>The report's plots at 10 and at 200 classes: labels that fit their axes, and text really drawn into the PNGs.</summary>
public sealed class PlotLayoutTests
{
    // Text is black on white; anything this dark in a margin is a glyph, not background or a light grid line.
    private const byte Dark = 100;

    // Tick marks reach a few pixels outside the frame; text starts beyond them.
    private const int TickPixels = 8;

    public static TheoryData<string, int> Figures() => new()
    {
        { "confusion", 10 }, { "confusion", 200 }, { "f1", 10 }, { "f1", 200 }, { "reliability", 10 }, { "reliability", 200 },
    };

    [Theory]
    [MemberData(nameof(Figures))]
    public void Drawn_tick_labels_times_their_line_height_never_exceed_the_axis(string kind, int classCount)
    {
        var metrics = Metrics(classCount);
        var figure = Build(kind, metrics);

        using var png = SKBitmap.Decode(figure.ToPng());
        var frame = figure.Plot.RenderManager.LastRender.DataRect;
        var lineHeight = ClassAxis.Measure(metrics.Classes, figure.Plot).LineHeight;
        foreach (var (axis, length) in new (ScottPlot.IAxis Axis, float Length)[] { (figure.Plot.Axes.Bottom, frame.Width), (figure.Plot.Axes.Left, frame.Height) })
        {
            var labelled = axis.TickGenerator.Ticks.Count(tick => tick.IsMajor && !string.IsNullOrEmpty(tick.Label));
            Assert.True(labelled * lineHeight <= length, $"{kind}, {classCount} classes: {labelled} labels x {lineHeight} px > {length} px");
        }
        Assert.Equal((figure.Width, figure.Height), (png.Width, png.Height));
    }

    [Theory]
    [MemberData(nameof(Figures))]
    public void Title_and_axis_labels_are_rendered_as_text_in_the_png(string kind, int classCount)
    {
        var figure = Build(kind, Metrics(classCount));

        using var png = SKBitmap.Decode(figure.ToPng());
        var frame = figure.Plot.RenderManager.LastRender.DataRect;
        var (left, right, top, bottom) = ((int)frame.Left, (int)frame.Right, (int)frame.Top, (int)frame.Bottom);
        Assert.True(DarkPixels(png, 0, 0, png.Width, top - 2) > 50, $"{kind}: no title above the plot");
        Assert.True(DarkPixels(png, 0, top, left - TickPixels, bottom) > 100, $"{kind}: no tick labels or axis title left of the plot");
        Assert.True(DarkPixels(png, left, bottom + TickPixels, right, png.Height) > 100, $"{kind}: no tick labels or axis title under the plot");
    }

    [Fact]
    public void Two_hundred_class_names_are_turned_upright_and_thinned_under_the_confusion_matrix()
    {
        var figure = ConfusionMatrixPlot.Build(Metrics(200).Classes, Metrics(200).ConfusionMatrix);

        figure.ToPng();
        var labels = figure.Plot.Axes.Bottom.TickGenerator.Ticks.Where(tick => tick.IsMajor).Select(tick => tick.Label).ToList();
        Assert.InRange(labels.Count, 20, 199);
        Assert.Equal("a class named 000", labels[0]);
        Assert.Equal(-90, figure.Plot.Axes.Bottom.TickLabelStyle.Rotation);
    }

    private static PlotFigure Build(string kind, ClassificationMetrics metrics) => kind switch
    {
        "confusion" => ConfusionMatrixPlot.Build(metrics.Classes, metrics.ConfusionMatrix),
        "f1" => PerClassF1Plot.Build(metrics),
        _ => ReliabilityDiagram.Build(metrics.CalibrationBins!, metrics.ExpectedCalibrationError!.Value),
    };

    /// <summary>Five images per class, the first three right, with probabilities that put images in several confidence bins.</summary>
    private static ClassificationMetrics Metrics(int classCount)
    {
        var classes = Enumerable.Range(0, classCount).Select(i => $"a class named {i:000}").ToArray();
        var truth = Enumerable.Range(0, classCount * 5).Select(i => i / 5).ToArray();
        var predicted = truth.Select((label, i) => i % 5 < 3 ? label : (label + 1) % classCount).ToArray();
        var probabilities = new float[truth.Length * classCount];
        for (var i = 0; i < truth.Length; i++)
        {
            var confidence = 0.3f + 0.6f * (i % 7) / 6;
            for (var label = 0; label < classCount; label++)
                probabilities[i * classCount + label] = label == predicted[i] ? confidence : (1 - confidence) / (classCount - 1);
        }
        return ClassificationMetrics.Compute(classes, truth, predicted, probabilities);
    }

    private static int DarkPixels(SKBitmap png, int x0, int y0, int x1, int y1)
    {
        var count = 0;
        for (var y = Math.Max(0, y0); y < Math.Min(png.Height, y1); y++)
            for (var x = Math.Max(0, x0); x < Math.Min(png.Width, x1); x++)
            {
                var pixel = png.GetPixel(x, y);
                if (pixel.Red < Dark && pixel.Green < Dark && pixel.Blue < Dark)
                    count++;
            }
        return count;
    }
}
