using System.Globalization;
using System.Net;
using System.Text;
using Pipeline.Runs;

namespace Pipeline.Evaluator.Evaluation;

/// <summary>
/// The report as one self-contained HTML page: inline CSS, images as data URIs, no scripts, so that it opens
/// offline from a mail attachment or a bucket. Every string that came from the user (class names, paths,
/// the dataset source) is HTML-encoded, because folder names can hold any character.
/// </summary>
internal static class ReportHtml
{
    private const string Style = """
        body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1250px; color: #222; padding: 0 1rem; }
        h1 { margin-bottom: .2rem; } .muted { color: #666; }
        .headline { font-size: 2.4rem; font-weight: 600; margin: 1rem 0; }
        .headline small { font-size: 1rem; font-weight: normal; color: #555; margin-left: 1rem; }
        dl { display: grid; grid-template-columns: max-content auto; gap: .2rem 1rem; }
        dt { font-weight: 600; } dd { margin: 0; }
        table { border-collapse: collapse; margin: 1rem 0; }
        th, td { padding: .3rem .8rem; border-bottom: 1px solid #ddd; text-align: right; }
        th:first-child, td:first-child { text-align: left; }
        tr.average td { font-weight: 600; background: #f4f4f4; }
        img.plot { max-width: 100%; border: 1px solid #eee; }
        .gallery { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: 1rem; }
        figure { margin: 0; font-size: .85rem; } figure img { width: 100%; image-rendering: auto; border: 1px solid #ddd; }
        figcaption { overflow-wrap: anywhere; } .wrong { color: #b00020; }
        """;

    public static string Render(ReportInput input, ReportPlots plots)
    {
        var metrics = input.Metrics;
        var html = new StringBuilder();
        html.Append($"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
            <title>Evaluation report: {Encode(input.Subject)}</title>
            <style>{Style}</style>
            </head>
            <body>
            <h1>Evaluation report</h1>
            <p class="muted">{Encode(input.Subject)}</p>
            <div class="headline">{Percent(metrics.Accuracy)} test accuracy<small>{Encode(TopKSummary(metrics))}{metrics.Count} test images</small></div>
            <p>Macro F1 {Score(metrics.MacroAverage.F1)}{ProbabilitySummary(metrics)}</p>
            """);
        AppendSettings(html, input);
        AppendPerClassTable(html, metrics);
        html.Append($"""
            <h2>F1 per class</h2>
            <img class="plot" alt="F1 per class, worst first" src="{PngDataUri(plots.F1Png)}">
            <h2>Confusion matrix</h2>
            <img class="plot" alt="Confusion matrix, rows are true classes" src="{PngDataUri(plots.ConfusionPng)}">
            """);
        if (plots.CurvesPng is { } curvesPng)
            html.Append($"""
                <h2>Training curves</h2>
                <img class="plot" alt="Training and validation loss and accuracy per epoch" src="{PngDataUri(curvesPng)}">
                """);
        if (plots.ReliabilityPng is { } reliabilityPng)
            html.Append($"""
                <h2>Calibration</h2>
                <p class="muted">Expected calibration error over 15 confidence bins: how far the model's confidence is from how often it is right.</p>
                <img class="plot" alt="Reliability diagram: accuracy against confidence" src="{PngDataUri(reliabilityPng)}">
                """);
        AppendMistakes(html, input.Mistakes);
        html.Append("</body>\n</html>\n");
        return html.ToString();
    }

    private static void AppendSettings(StringBuilder html, ReportInput input)
    {
        var splits = string.Join(", ", input.Dataset.SplitCounts.Select(split => $"{split.Key} {split.Value}"));
        html.Append($"""
            <h2>Dataset and training</h2>
            <dl>
            <dt>Dataset</dt><dd>{Encode(input.Dataset.Source)}</dd>
            <dt>Classes</dt><dd>{input.Metrics.Classes.Count}: {Encode(string.Join(", ", input.Metrics.Classes))}</dd>
            <dt>Images per split</dt><dd>{Encode(splits)}</dd>
            <dt>Quarantined files</dt><dd>{input.Dataset.QuarantinedCount}</dd>

            """);
        if (input.History is { } history)
            AppendTraining(html, history);
        html.Append("</dl>\n");
    }

    private static void AppendTraining(StringBuilder html, TrainingHistory history)
    {
        var training = history.Training;
        html.Append($"""
            <dt>Backbone</dt><dd>{Encode(training.Backbone)}</dd>
            <dt>Weights</dt><dd>{Encode(training.EffectiveWeights ?? "")}</dd>
            <dt>Mode</dt><dd>{training.Mode.ToString().ToLowerInvariant()}</dd>
            <dt>Epochs</dt><dd>{history.Epochs.Count} trained of {training.Epochs} planned; best epoch {history.BestEpoch} kept</dd>
            <dt>Learning rate</dt><dd>{training.LearningRate.ToString("G", CultureInfo.InvariantCulture)}</dd>
            <dt>Batch size</dt><dd>{training.BatchSize}</dd>
            <dt>Seed</dt><dd>{history.Seed}</dd>

            """);
    }

    private static void AppendPerClassTable(StringBuilder html, ClassificationMetrics metrics)
    {
        html.Append("<h2>Per-class scores</h2>\n<table>\n<thead><tr><th>class</th><th>precision</th><th>recall</th><th>F1</th><th>support</th><th>most often taken for</th></tr></thead>\n<tbody>\n");
        foreach (var score in metrics.PerClass)
            AppendScoreRow(html, "", Encode(score.Class), score.Precision, score.Recall, score.F1, score.Support, Confusion(score.MostFrequentConfusion));
        AppendScoreRow(html, " class=\"average\"", "macro average", metrics.MacroAverage.Precision, metrics.MacroAverage.Recall, metrics.MacroAverage.F1, metrics.Count, "");
        AppendScoreRow(html, " class=\"average\"", "weighted average", metrics.WeightedAverage.Precision, metrics.WeightedAverage.Recall, metrics.WeightedAverage.F1, metrics.Count, "");
        html.Append("</tbody>\n</table>\n");
    }

    private static void AppendScoreRow(StringBuilder html, string rowAttributes, string encodedName, double precision, double recall, double f1, int support, string encodedConfusion) =>
        html.Append($"<tr{rowAttributes}><td>{encodedName}</td><td>{Score(precision)}</td><td>{Score(recall)}</td><td>{Score(f1)}</td><td>{support}</td><td>{encodedConfusion}</td></tr>\n");

    private static string Confusion(ClassConfusion? confusion) =>
        confusion is null ? "" : $"{Encode(confusion.PredictedClass)} ({Percent(confusion.Rate)})";

    private static void AppendMistakes(StringBuilder html, IReadOnlyList<MisclassifiedExample> mistakes)
    {
        if (mistakes.Count == 0)
            return;
        html.Append($"<h2>Mistakes ({mistakes.Count})</h2>\n<div class=\"gallery\">\n");
        foreach (var mistake in mistakes)
            html.Append($"""
                <figure><img alt="{Encode(mistake.RelativePath)}" src="{PngDataUri(mistake.ThumbnailPng)}">
                <figcaption>{Encode(mistake.RelativePath)}<br>true: {Encode(mistake.TrueClass)}<br><span class="wrong">predicted: {Encode(mistake.PredictedClass)} ({Percent(mistake.Confidence)})</span></figcaption></figure>

                """);
        html.Append("</div>\n");
    }

    private static string TopKSummary(ClassificationMetrics metrics) =>
        (metrics.Top3Accuracy is { } top3 ? $"top-3 {Percent(top3)} · " : "") +
        (metrics.Top5Accuracy is { } top5 ? $"top-5 {Percent(top5)} · " : "");

    private static string ProbabilitySummary(ClassificationMetrics metrics) =>
        (metrics.ExpectedCalibrationError is { } ece ? $" · expected calibration error {Score(ece)}" : "") +
        (metrics.NegativeLogLikelihood is { } nll ? $" · negative log-likelihood {Score(nll)}" : "");

    private static string PngDataUri(byte[] png) => "data:image/png;base64," + Convert.ToBase64String(png);

    private static string Percent(double fraction) => (fraction * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %";

    private static string Score(double value) => value.ToString("0.000", CultureInfo.InvariantCulture);

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
