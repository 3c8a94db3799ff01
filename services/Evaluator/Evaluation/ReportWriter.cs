using System.Text;
using Pipeline.Storage;
using Pipeline.Telemetry;

namespace Pipeline.Evaluator.Evaluation;

/// <summary>Writes an evaluation report (metrics.json, the plots, report.html) to the object store.</summary>
public sealed class ReportWriter
{
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <exception cref="ArgumentException">A mistake's thumbnail is not a PNG (it is embedded as image/png).</exception>
    public async Task WriteAsync(IObjectStore store, ReportFiles files, ReportInput input, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(input);
        using var span = PipelineTelemetry.StartSpan("report render");
        var badThumbnail = input.Mistakes.FirstOrDefault(mistake => !mistake.ThumbnailPng.AsSpan().StartsWith(PngSignature));
        if (badThumbnail is not null)
            throw new ArgumentException($"The thumbnail of '{badThumbnail.RelativePath}' is not a PNG image.", nameof(input));

        var plots = new ReportPlots(
            input.History is { } history ? TrainingCurvesPlot.Render(history) : null,
            ConfusionMatrixPlot.Render(input.Metrics.Classes, input.Metrics.ConfusionMatrix),
            PerClassF1Plot.Render(input.Metrics),
            input.Metrics is { CalibrationBins: { } bins, ExpectedCalibrationError: { } ece } ? ReliabilityDiagram.Render(bins, ece) : null);
        var html = ReportHtml.Render(input, plots);

        await store.PutJsonAsync(files.MetricsKey, input.Metrics, ct);
        if (plots.CurvesPng is { } curvesPng)
            await store.PutBytesAsync(files.CurvesKey, curvesPng, ct);
        await store.PutBytesAsync(files.ConfusionKey, plots.ConfusionPng, ct);
        await store.PutBytesAsync(files.F1Key, plots.F1Png, ct);
        if (plots.ReliabilityPng is { } reliabilityPng)
            await store.PutBytesAsync(files.ReliabilityKey, reliabilityPng, ct);
        // The page goes last: once it exists the whole report does, which is what a redelivered message can check.
        await store.PutBytesAsync(files.HtmlKey, Encoding.UTF8.GetBytes(html), ct);
    }
}
