using System.Text;
using Pipeline.Storage;

namespace Pipeline.Evaluator.Evaluation;

/// <summary>Writes a trial's evaluation report (metrics.json, curves.png, confusion.png, report.html) to the object store.</summary>
public sealed class ReportWriter
{
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <exception cref="ArgumentException">A mistake's thumbnail is not a PNG (it is embedded as image/png).</exception>
    public async Task<ReportFiles> WriteAsync(IObjectStore store, Guid runId, string trialId, ReportInput input, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(input);
        var badThumbnail = input.Mistakes.FirstOrDefault(mistake => !mistake.ThumbnailPng.AsSpan().StartsWith(PngSignature));
        if (badThumbnail is not null)
            throw new ArgumentException($"The thumbnail of '{badThumbnail.RelativePath}' is not a PNG image.", nameof(input));

        var files = ReportFiles.For(runId, trialId);
        var curvesPng = TrainingCurvesPlot.Render(input.History);
        var confusionPng = ConfusionMatrixPlot.Render(input.Metrics.Classes, input.Metrics.ConfusionMatrix);
        var html = ReportHtml.Render(runId, trialId, input, curvesPng, confusionPng);

        await store.PutJsonAsync(files.MetricsKey, input.Metrics, ct);
        await store.PutBytesAsync(files.CurvesKey, curvesPng, ct);
        await store.PutBytesAsync(files.ConfusionKey, confusionPng, ct);
        // The page goes last: once it exists the whole report does, which is what a redelivered message can check.
        await store.PutBytesAsync(files.HtmlKey, Encoding.UTF8.GetBytes(html), ct);
        return files;
    }
}
