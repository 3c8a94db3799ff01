namespace Pipeline.Evaluator.Evaluation;

/// <summary>A plot with the pixel size it was laid out for.</summary>
internal sealed record PlotFigure(ScottPlot.Plot Plot, int Width, int Height)
{
    public byte[] ToPng() => PlotImage.ToPng(Plot, Width, Height);
}
