using Pipeline.Evaluator.Evaluation;

namespace Pipeline.Tests.Evaluation;

public sealed class MarkdownSummaryTests
{
    [Fact]
    public void Summary_gives_accuracy_macro_f1_calibration_the_three_worst_classes_and_the_report_path()
    {
        // a: 2 of 2 right. b: 1 of 2 (other taken for a). c_d: 0 of 2 (both taken for b). e: 1 of 2 (taken for c_d). f: absent.
        int[] truth = [0, 0, 1, 1, 2, 2, 3, 3];
        int[] predicted = [0, 0, 1, 0, 1, 1, 3, 2];
        var probabilities = predicted.SelectMany(label => Enumerable.Range(0, 5).Select(c => c == label ? 0.8f : 0.05f)).ToArray();
        var metrics = ClassificationMetrics.Compute(["a", "b", "c_d", "e", "f"], truth, predicted, probabilities);

        var markdown = MarkdownSummary.Render(metrics, "/tmp/store/report.html");

        Assert.Contains("| accuracy | 50.0 % of 8 images |", markdown);
        Assert.Contains($"| macro F1 | {metrics.MacroAverage.F1:0.000} |", markdown);
        Assert.Contains("| expected calibration error | 0.300 |", markdown); // all at 0.8 confidence, half right
        // F1: c_d 0; b P 1/3 R 1/2 -> 0.4; e P 1 R 1/2 -> 0.667; a P 2/3 R 1 -> 0.8. f (absent, F1 0) is left out.
        Assert.Contains("Worst classes (F1): `c_d` 0.000 (taken for `b`), `b` 0.400 (taken for `a`), `e` 0.667 (taken for `c_d`)", markdown);
        Assert.DoesNotContain("`f`", markdown);
        Assert.EndsWith("Report: /tmp/store/report.html\n", markdown);
    }

    [Fact]
    public void Summary_without_probabilities_leaves_out_calibration()
    {
        var metrics = ClassificationMetrics.Compute(["a", "b"], [0, 1], [0, 1]);

        var markdown = MarkdownSummary.Render(metrics, "report.html");

        Assert.DoesNotContain("calibration", markdown);
        Assert.Contains("| accuracy | 100.0 % of 2 images |", markdown);
    }
}
