using Pipeline.Storage;

namespace Pipeline.Evaluator.Evaluation;

/// <summary>Object keys of one report's files, all in one folder.</summary>
public sealed record ReportFiles(string MetricsKey, string CurvesKey, string ConfusionKey, string ReliabilityKey, string F1Key, string HtmlKey)
{
    public const string MetricsFileName = "metrics.json";
    public const string CurvesFileName = "curves.png";
    public const string ConfusionFileName = "confusion.png";
    public const string ReliabilityFileName = "reliability.png";
    public const string F1FileName = "f1.png";
    public const string HtmlFileName = "report.html";

    /// <summary>A trial's report, in its folder of the run.</summary>
    public static ReportFiles For(Guid runId, string trialId) => In(ObjectKeys.TrialReport(runId, trialId, ""));

    /// <param name="folderKey">The key prefix of the report's folder, ending in '/'.</param>
    public static ReportFiles In(string folderKey) => new(
        folderKey + MetricsFileName,
        folderKey + CurvesFileName,
        folderKey + ConfusionFileName,
        folderKey + ReliabilityFileName,
        folderKey + F1FileName,
        folderKey + HtmlFileName);
}
