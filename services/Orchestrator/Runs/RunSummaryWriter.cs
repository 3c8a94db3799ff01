using System.Globalization;
using System.Net;
using System.Text;
using Pipeline.Contracts;
using Pipeline.Runs;
using Pipeline.Storage;
using Pipeline.Telemetry;

namespace Pipeline.Orchestrator.Runs;

/// <summary>
/// The run-level report: <c>summary.json</c> (every trial side by side, the best one named) and a small offline
/// <c>report.html</c> that links to each trial's own report.
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
            Trials = run.Trials.Select(t => new TrialSummary(t.TrialId, t.State, t.Training, t.BestEpoch, t.ValidationAccuracy, t.TestAccuracy,
                ObjectKeys.InRunFolder(run.Id, t.ReportKey) is { } report ? "../" + report : null, t.Error)).ToList(),
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

    private static string Html(RunSummary summary)
    {
        var rows = new StringBuilder();
        foreach (var trial in summary.Trials)
        {
            var name = trial.Report is { } report ? $"<a href=\"{Encode(report)}\">{Encode(trial.TrialId)}</a>" : Encode(trial.TrialId);
            var best = trial.TrialId == summary.BestTrialId ? " class=\"best\"" : "";
            rows.Append($"<tr{best}><td>{name}</td><td>{trial.State}</td><td>{Encode(trial.Training.Backbone)}</td><td>{trial.Training.Mode.ToString().ToLowerInvariant()}</td>" +
                        $"<td>{trial.Training.LearningRate.ToString("G", CultureInfo.InvariantCulture)}</td><td>{Percent(trial.ValidationAccuracy)}</td>" +
                        $"<td>{Percent(trial.TestAccuracy)}</td><td>{Encode(trial.Error ?? "")}</td></tr>\n");
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
            <thead><tr><th>trial</th><th>state</th><th>backbone</th><th>mode</th><th>learning rate</th><th>best validation accuracy</th><th>test accuracy</th><th>error</th></tr></thead>
            <tbody>
            {{rows}}</tbody>
            </table>
            </body>
            </html>

            """;
    }

    private static string Percent(double? fraction) => fraction is { } f ? (f * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %" : "";

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
