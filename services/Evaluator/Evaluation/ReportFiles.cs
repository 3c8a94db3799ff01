using Pipeline.Storage;

namespace Pipeline.Evaluator.Evaluation;

/// <summary>Object keys of one run's report files.</summary>
public sealed record ReportFiles(string MetricsKey, string CurvesKey, string ConfusionKey, string HtmlKey)
{
    public const string MetricsFileName = "metrics.json";
    public const string CurvesFileName = "curves.png";
    public const string ConfusionFileName = "confusion.png";
    public const string HtmlFileName = "report.html";

    public static ReportFiles For(Guid runId) => new(
        ObjectKeys.ReportFile(runId, MetricsFileName),
        ObjectKeys.ReportFile(runId, CurvesFileName),
        ObjectKeys.ReportFile(runId, ConfusionFileName),
        ObjectKeys.ReportFile(runId, HtmlFileName));
}
