using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Pipeline.Contracts;
using Pipeline.Runs;
using Pipeline.Storage;
using Pipeline.Telemetry;

namespace Pipeline.Orchestrator.Runs;

/// <summary>
/// The run-level report: <c>summary.json</c> (every trial side by side with its test metrics and validation curve, the
/// best one named) and a small offline <c>report.html</c> that compares them (a table and one plot of every trial's
/// validation curve) and links to each trial's own report.
/// </summary>
public sealed class RunSummaryWriter(IObjectStore store, TimeProvider clock)
{
    public const string SummaryFileName = "summary.json";
    public const string HtmlFileName = "report.html";

    /// <returns>The key of <c>summary.json</c>.</returns>
    public async Task<string> WriteAsync(RunRecord run, CancellationToken cancellationToken)
    {
        using var span = PipelineTelemetry.StartRunSpan("run report", run.Id);
        var summary = new RunSummary
        {
            RunId = run.Id,
            State = run.State,
            Dataset = run.Spec.Dataset,
            BestTrialId = run.BestTrial?.TrialId,
            Trials = await Task.WhenAll(run.Trials.Select(t => SummarizeAsync(run.Id, t, cancellationToken))),
            CreatedAt = run.CreatedAt,
            CompletedAt = clock.GetUtcNow(),
            ComputeSeconds = run.ComputeSeconds,
            TraceId = PipelineTelemetry.TraceId(run.TraceParent),
        };
        var summaryKey = ObjectKeys.RunReport(run.Id, SummaryFileName);
        await store.PutJsonAsync(summaryKey, summary, cancellationToken);
        await store.PutBytesAsync(ObjectKeys.RunReport(run.Id, HtmlFileName), Encoding.UTF8.GetBytes(Html(summary)), cancellationToken);
        return summaryKey;
    }

    private async Task<TrialSummary> SummarizeAsync(Guid runId, TrialRecord trial, CancellationToken cancellationToken)
    {
        var (macroF1, calibrationError) = await TestMetricsAsync(trial.MetricsKey, cancellationToken);
        var history = trial.HistoryKey is { } key && await store.ExistsAsync(key, cancellationToken)
            ? await store.GetJsonAsync<TrainingHistory>(key, cancellationToken)
            : null;
        return new TrialSummary(trial.TrialId, trial.State, trial.Training, trial.BestEpoch, trial.ValidationAccuracy, trial.TestAccuracy,
            ObjectKeys.InRunFolder(runId, trial.ReportKey) is { } report ? "../" + report : null, trial.Error, macroF1, calibrationError,
            history?.Epochs.Select(epoch => epoch.ValidationAccuracy).ToList());
    }

    /// <summary>The figures of the trial's metrics.json (docs/metrics.schema.json) that the comparison shows; nulls for a trial without one.</summary>
    private async Task<(double? MacroF1, double? CalibrationError)> TestMetricsAsync(string? metricsKey, CancellationToken cancellationToken)
    {
        if (metricsKey is null || !await store.ExistsAsync(metricsKey, cancellationToken))
            return (null, null);
        await using var stream = await store.OpenReadAsync(metricsKey, cancellationToken);
        using var metrics = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
        var root = metrics.RootElement;
        return (root.TryGetProperty("macroAverage", out var macro) && macro.TryGetProperty("f1", out var f1) ? f1.GetDouble() : null,
            root.TryGetProperty("expectedCalibrationError", out var ece) ? ece.GetDouble() : null);
    }

    private static string Html(RunSummary summary)
    {
        var rows = new StringBuilder();
        foreach (var trial in summary.Trials)
        {
            var name = trial.Report is { } report ? $"<a href=\"{Encode(report)}\">{Encode(trial.TrialId)}</a>" : Encode(trial.TrialId);
            var best = trial.TrialId == summary.BestTrialId ? " class=\"best\"" : "";
            rows.Append($"<tr{best}><td>{name}</td><td>{trial.State}</td><td>{Encode(trial.Training.Backbone)}</td><td>{trial.Training.Mode.ToString().ToLowerInvariant()}</td>" +
                        $"<td>{trial.Training.LearningRate.ToString("G", CultureInfo.InvariantCulture)}</td><td>{Percent(trial.ValidationAccuracy)}</td>" +
                        $"<td>{Percent(trial.TestAccuracy)}</td><td>{Fraction(trial.MacroF1)}</td><td>{Fraction(trial.ExpectedCalibrationError)}</td>" +
                        $"<td>{Encode(trial.Error ?? "")}</td></tr>\n");
        }
        return $$"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
            <title>Run {{summary.RunId}}</title>
            <style>
            body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1100px; color: #222; padding: 0 1rem; }
            table { border-collapse: collapse; } th, td { padding: .3rem .8rem; border-bottom: 1px solid #ddd; text-align: left; }
            tr.best td { font-weight: 600; background: #eef6ee; }
            </style>
            </head>
            <body>
            <h1>Run {{summary.RunId}}</h1>
            <p>Dataset {{Encode(summary.Dataset)}} · {{summary.State}} · best trial {{Encode(summary.BestTrialId ?? "none")}}</p>
            <table>
            <thead><tr><th>trial</th><th>state</th><th>backbone</th><th>mode</th><th>learning rate</th><th>best validation accuracy</th><th>test accuracy</th><th>macro F1</th><th>calibration error</th><th>error</th></tr></thead>
            <tbody>
            {{rows}}</tbody>
            </table>
            <h2>Validation accuracy per epoch</h2>
            {{ValidationCurvesSvg.Render(summary.Trials)}}
            </body>
            </html>

            """;
    }

    private static string Percent(double? fraction) => fraction is { } f ? (f * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %" : "";

    private static string Fraction(double? value) => value is { } v ? v.ToString("0.000", CultureInfo.InvariantCulture) : "";

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
