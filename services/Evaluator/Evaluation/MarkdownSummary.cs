using System.Globalization;
using System.Text;

namespace Pipeline.Evaluator.Evaluation;

/// <summary>A few lines of Markdown that say how good a model is, for a terminal, a CI log or a pull request.</summary>
public static class MarkdownSummary
{
    public const int WorstClassCount = 3;

    /// <param name="reportPath">Where the full report is (report.html), as the reader can open it.</param>
    public static string Render(ClassificationMetrics metrics, string reportPath)
    {
        var summary = new StringBuilder()
            .Append("## Evaluation\n\n")
            .Append("| metric | value |\n|---|---|\n")
            .Append(CultureInfo.InvariantCulture, $"| accuracy | {metrics.Accuracy * 100:0.0} % of {metrics.Count} images |\n")
            .Append(CultureInfo.InvariantCulture, $"| macro F1 | {metrics.MacroAverage.F1:0.000} |\n");
        if (metrics.ExpectedCalibrationError is { } ece)
            summary.Append(CultureInfo.InvariantCulture, $"| expected calibration error | {ece:0.000} |\n");
        var worst = WorstClasses(metrics);
        if (worst.Count > 0)
            summary.Append("\nWorst classes (F1): ").AppendJoin(", ", worst.Select(Describe)).Append('\n');
        return summary.Append(CultureInfo.InvariantCulture, $"\nReport: {reportPath}\n").ToString();
    }

    /// <summary>Lowest F1 first (then lowest recall, then class order); a class absent from the images scores 0 but says nothing, so it is left out.</summary>
    public static IReadOnlyList<ClassMetrics> WorstClasses(ClassificationMetrics metrics) =>
        metrics.PerClass.Where(score => score.Support > 0).OrderBy(score => score.F1).ThenBy(score => score.Recall).Take(WorstClassCount).ToList();

    private static string Describe(ClassMetrics score) =>
        string.Create(CultureInfo.InvariantCulture, $"{Code(score.Class)} {score.F1:0.000}") +
        (score.MostFrequentConfusion is { } confusion ? $" (taken for {Code(confusion.PredictedClass)})" : "");

    // A code span shows folder names as they are (underscores, asterisks); a backtick would end it early.
    private static string Code(string name) => $"`{name.Replace('`', '\'')}`";
}
