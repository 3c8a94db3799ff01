using System.Text.Json;
using Pipeline.Contracts;
using Pipeline.Evaluator.Evaluation;

namespace Pipeline.Cli.Commands;

/// <summary>The Markdown summary printed when a report is done: on stdout, or on stderr when stdout holds the --json object.</summary>
internal static class ReportSummary
{
    public static void Print(string reportDir, bool asJson)
    {
        var metricsFile = Path.Combine(reportDir, ReportFiles.MetricsFileName);
        var metrics = JsonSerializer.Deserialize<ClassificationMetrics>(File.ReadAllText(metricsFile), PipelineJson.Options)
                      ?? throw new PipelineException($"{metricsFile} holds no metrics.");
        (asJson ? Console.Error : Console.Out).Write(MarkdownSummary.Render(metrics, Path.Combine(reportDir, ReportFiles.HtmlFileName)));
    }
}
