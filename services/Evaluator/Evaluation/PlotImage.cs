using ScottPlot;
using SkiaSharp;

namespace Pipeline.Evaluator.Evaluation;

/// <summary>Makes ScottPlot plots in the report's style and renders them to PNG bytes, refusing to when the machine has no fonts.</summary>
internal static class PlotImage
{
    // ScottPlot's own sans-serif detection picks DejaVu Serif on Debian; prefer a real sans font when one is installed.
    private static readonly string? SansFont = new[] { "DejaVu Sans", "Liberation Sans", "Noto Sans" }
        .FirstOrDefault(name => SKFontManager.Default.FontFamilies.Contains(name));

    public static Plot NewPlot()
    {
        var plot = new Plot();
        if (SansFont is not null)
            plot.Font.Set(SansFont);
        return plot;
    }

    public static byte[] ToPng(IMultiplot multiplot, int width, int height)
    {
        EnsureFontsInstalled();
        return multiplot.Render(width, height).GetImageBytes(ImageFormat.Png);
    }

    public static byte[] ToPng(Plot plot, int width, int height)
    {
        EnsureFontsInstalled();
        return plot.GetImageBytes(width, height, ImageFormat.Png);
    }

    // Without any font ScottPlot silently draws plots with no text at all; fail loudly instead.
    private static void EnsureFontsInstalled()
    {
        if (SKFontManager.Default.FontFamilyCount == 0)
            throw new InvalidOperationException("No fonts are installed, so plots would have no labels. Install a font package (e.g. Debian's fonts-dejavu-core).");
    }
}
