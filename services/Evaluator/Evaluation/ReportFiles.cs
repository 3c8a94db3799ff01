using Pipeline.Storage;

namespace Pipeline.Evaluator.Evaluation;

/// <summary>Object keys of one trial's report files.</summary>
public sealed record ReportFiles(string MetricsKey, string CurvesKey, string ConfusionKey, string HtmlKey)
{
    public const string MetricsFileName = "metrics.json";
    public const string CurvesFileName = "curves.png";
    public const string ConfusionFileName = "confusion.png";
    public const string HtmlFileName = "report.html";

    public static ReportFiles For(Guid runId, string trialId) => new(
        ObjectKeys.TrialReport(runId, trialId, MetricsFileName),
        ObjectKeys.TrialReport(runId, trialId, CurvesFileName),
        ObjectKeys.TrialReport(runId, trialId, ConfusionFileName),
        ObjectKeys.TrialReport(runId, trialId, HtmlFileName));
}
