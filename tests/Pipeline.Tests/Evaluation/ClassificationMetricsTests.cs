using Pipeline.Contracts;
using System.Text.Json;
using Pipeline.Evaluator.Evaluation;

namespace Pipeline.Tests.Evaluation;

public sealed class ClassificationMetricsTests
{
    private const int Precision = 10;

    [Fact]
    public void Three_classes_match_scores_computed_by_hand()
    {
        //            predicted: cat dog bird   support
        // true cat              2   1   1      4
        // true dog              1   2   0      3
        // true bird             0   1   2      3
        // predicted (col sums)  3   4   3
        int[] truth = [0, 0, 0, 0, 1, 1, 1, 2, 2, 2];
        int[] predicted = [0, 0, 1, 2, 1, 1, 0, 2, 2, 1];

        var metrics = ClassificationMetrics.Compute(["cat", "dog", "bird"], truth, predicted);

        Assert.Equal(10, metrics.Count);
        Assert.Equal(0.6, metrics.Accuracy, Precision); // 6 on the diagonal / 10
        Assert.Equal([[2, 1, 1], [1, 2, 0], [0, 1, 2]], metrics.ConfusionMatrix);
        // cat:  P = 2/3, R = 2/4, F1 = 2*(2/3)(1/2)/(2/3+1/2) = 4/7
        AssertClass(metrics.PerClass[0], "cat", 2.0 / 3, 0.5, 4.0 / 7, 4);
        // dog:  P = 2/4, R = 2/3, F1 = 4/7
        AssertClass(metrics.PerClass[1], "dog", 0.5, 2.0 / 3, 4.0 / 7, 3);
        // bird: P = 2/3, R = 2/3, F1 = 2/3
        AssertClass(metrics.PerClass[2], "bird", 2.0 / 3, 2.0 / 3, 2.0 / 3, 3);
        // macro: P = (2/3+1/2+2/3)/3 = 11/18, R = (1/2+2/3+2/3)/3 = 11/18, F1 = (4/7+4/7+2/3)/3 = 38/63
        AssertAverage(metrics.MacroAverage, 11.0 / 18, 11.0 / 18, 38.0 / 63);
        // weighted by support 4,3,3: P = (4*2/3 + 3*1/2 + 3*2/3)/10 = 37/60,
        // R = (4*1/2 + 3*2/3 + 3*2/3)/10 = 0.6 (always the accuracy), F1 = (4*4/7 + 3*4/7 + 3*2/3)/10 = 0.6
        AssertAverage(metrics.WeightedAverage, 37.0 / 60, 0.6, 0.6);
        Assert.Null(metrics.Top3Accuracy);
        Assert.Null(metrics.Top5Accuracy);
    }

    [Fact]
    public void A_perfect_classifier_scores_one_everywhere()
    {
        int[] labels = [0, 1, 2, 3, 1, 2, 0];

        var metrics = ClassificationMetrics.Compute(["a", "b", "c", "d"], labels, labels);

        Assert.Equal(1, metrics.Accuracy);
        Assert.All(metrics.PerClass, score => Assert.Equal((1.0, 1.0, 1.0), (score.Precision, score.Recall, score.F1)));
        Assert.Equal(new AveragedMetrics(1, 1, 1), metrics.MacroAverage);
        Assert.Equal(new AveragedMetrics(1, 1, 1), metrics.WeightedAverage);
        Assert.Equal([2, 2, 2, 1], metrics.PerClass.Select(score => score.Support));
        Assert.Equal([[2, 0, 0, 0], [0, 2, 0, 0], [0, 0, 2, 0], [0, 0, 0, 1]], metrics.ConfusionMatrix);
    }

    [Fact]
    public void Classes_never_predicted_or_never_seen_score_zero_and_still_count_in_the_macro_average()
    {
        // a: right once. b: right once, also predicted for both c samples. c: never predicted. d: neither seen nor predicted.
        var metrics = ClassificationMetrics.Compute(["a", "b", "c", "d"], [0, 1, 2, 2], [0, 1, 1, 1]);

        AssertClass(metrics.PerClass[0], "a", 1, 1, 1, 1);
        AssertClass(metrics.PerClass[1], "b", 1.0 / 3, 1, 0.5, 1); // F1 = 2*(1/3)*1/(1/3+1) = 1/2
        AssertClass(metrics.PerClass[2], "c", 0, 0, 0, 2);         // precision 0/0 -> 0
        AssertClass(metrics.PerClass[3], "d", 0, 0, 0, 0);         // precision and recall 0/0 -> 0
        // macro over 4 classes: P = (1+1/3)/4 = 1/3, R = (1+1)/4 = 1/2, F1 = (1+1/2)/4 = 3/8
        AssertAverage(metrics.MacroAverage, 1.0 / 3, 0.5, 0.375);
        // weighted by support 1,1,2,0: P = (1+1/3)/4 = 1/3, R = 2/4, F1 = (1+1/2)/4
        AssertAverage(metrics.WeightedAverage, 1.0 / 3, 0.5, 0.375);
    }

    [Fact]
    public void Top_k_accuracy_counts_the_true_class_among_the_k_most_probable()
    {
        // Six classes; the true class ranks 1st, 3rd, 4th and 6th in the four rows.
        float[] probabilities =
        [
            0.50f, 0.10f, 0.10f, 0.10f, 0.10f, 0.10f, // truth 0: rank 1
            0.30f, 0.25f, 0.20f, 0.15f, 0.05f, 0.05f, // truth 2: rank 3
            0.30f, 0.25f, 0.20f, 0.15f, 0.06f, 0.04f, // truth 3: rank 4
            0.30f, 0.25f, 0.20f, 0.15f, 0.06f, 0.04f, // truth 5: rank 6
        ];

        var metrics = ClassificationMetrics.Compute(["a", "b", "c", "d", "e", "f"], [0, 2, 3, 5], [0, 0, 0, 0], probabilities);

        Assert.Equal(0.25, metrics.Accuracy, Precision);
        Assert.Equal(2.0 / 4, metrics.Top3Accuracy!.Value, Precision);
        Assert.Equal(3.0 / 4, metrics.Top5Accuracy!.Value, Precision);
    }

    [Fact]
    public void Top_k_ties_rank_the_lower_label_first_as_argmax_does()
    {
        // All six classes equally likely: label 3 ranks 4th behind labels 0, 1 and 2.
        var uniform = Enumerable.Repeat(1f / 6, 6).ToArray();

        var metrics = ClassificationMetrics.Compute(["a", "b", "c", "d", "e", "f"], [3], [0], uniform);

        Assert.Equal(0, metrics.Top3Accuracy);
        Assert.Equal(1, metrics.Top5Accuracy);
    }

    [Theory]
    [InlineData(3, false, false)] // top-3 of 3 classes is always 1: left out
    [InlineData(4, true, false)]
    [InlineData(6, true, true)]
    public void Top_k_is_given_only_when_k_is_below_the_class_count(int classCount, bool hasTop3, bool hasTop5)
    {
        var classes = Enumerable.Range(0, classCount).Select(i => $"class{i}").ToArray();
        var probabilities = Enumerable.Repeat(1f / classCount, classCount).ToArray();

        var metrics = ClassificationMetrics.Compute(classes, [0], [0], probabilities);

        Assert.Equal(hasTop3, metrics.Top3Accuracy.HasValue);
        Assert.Equal(hasTop5, metrics.Top5Accuracy.HasValue);
    }

    [Fact]
    public void Json_is_camel_case_and_leaves_out_top_k_without_probabilities()
    {
        var metrics = ClassificationMetrics.Compute(["a", "b"], [0, 1], [0, 0]);

        var json = JsonSerializer.Serialize(metrics, PipelineJson.Options);
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;

        Assert.Equal(2, root.GetProperty("schemaVersion").GetInt32());
        Assert.Equal(0.5, root.GetProperty("accuracy").GetDouble());
        Assert.Equal(2, root.GetProperty("confusionMatrix").GetArrayLength());
        var first = root.GetProperty("perClass")[0];
        Assert.Equal("a", first.GetProperty("class").GetString());
        Assert.Equal(0.5, first.GetProperty("precision").GetDouble());
        Assert.Equal(1, first.GetProperty("recall").GetDouble());
        Assert.True(first.TryGetProperty("f1", out _));
        Assert.Equal(1, first.GetProperty("support").GetInt32());
        Assert.True(root.GetProperty("macroAverage").TryGetProperty("f1", out _));
        Assert.True(root.GetProperty("weightedAverage").TryGetProperty("precision", out _));
        Assert.False(root.TryGetProperty("top3Accuracy", out _));
        Assert.False(root.TryGetProperty("top5Accuracy", out _));
        Assert.False(root.TryGetProperty("negativeLogLikelihood", out _));
        Assert.False(root.TryGetProperty("expectedCalibrationError", out _));
        Assert.Equal(1, root.GetProperty("normalizedConfusionMatrix")[1][0].GetDouble());
        Assert.Equal("a", root.GetProperty("perClass")[1].GetProperty("mostFrequentConfusion").GetProperty("predictedClass").GetString());
    }

    [Fact]
    public void Negative_log_likelihood_is_the_mean_of_minus_ln_the_true_class_probability()
    {
        // True-class probabilities 0.5 and 0.25: (ln 2 + ln 4) / 2 = 1.5 ln 2.
        var metrics = ClassificationMetrics.Compute(["a", "b"], [0, 1], [0, 0], [0.5f, 0.5f, 0.75f, 0.25f]);

        Assert.Equal(1.5 * Math.Log(2), metrics.NegativeLogLikelihood!.Value, Precision);
    }

    [Fact]
    public void A_true_class_given_probability_zero_costs_a_finite_floor_not_infinity()
    {
        var metrics = ClassificationMetrics.Compute(["a", "b"], [1], [0], [1f, 0f]);

        Assert.Equal(-Math.Log(1.1920929e-7), metrics.NegativeLogLikelihood!.Value, Precision); // about 15.9
    }

    [Fact]
    public void A_perfectly_calibrated_model_has_zero_calibration_error()
    {
        // Ten predictions at confidence 0.8 of which eight are right; ten at 0.4 (three classes) of which four are right.
        var truth = new int[20];
        var predicted = new int[20];
        var probabilities = new List<float>();
        for (var i = 0; i < 20; i++)
        {
            var confident = i < 10;
            truth[i] = confident ? (i < 8 ? 0 : 1) : (i < 14 ? 0 : 2);
            probabilities.AddRange(confident ? [0.8f, 0.1f, 0.1f] : [0.4f, 0.3f, 0.3f]);
        }

        var metrics = ClassificationMetrics.Compute(["a", "b", "c"], truth, predicted, probabilities.ToArray());

        Assert.Equal(0, metrics.ExpectedCalibrationError!.Value, 6); // 0.8f and 0.4f are off by float rounding only
        Assert.Equal(15, metrics.CalibrationBins!.Count);
        var occupied = metrics.CalibrationBins.Where(bin => bin.Count > 0).ToList();
        Assert.Equal([10, 10], occupied.Select(bin => bin.Count));
        Assert.Equal(0.4, occupied[0].Accuracy!.Value, Precision);
        Assert.Equal(0.8, occupied[1].Accuracy!.Value, Precision);
        Assert.All(occupied, bin => Assert.True(bin.Lower < bin.Confidence && bin.Confidence <= bin.Upper, $"{bin} holds a confidence outside its bounds"));
        Assert.All(metrics.CalibrationBins.Where(bin => bin.Count == 0), bin => Assert.Null(bin.Accuracy));
    }

    [Fact]
    public void A_badly_calibrated_model_has_the_calibration_error_computed_by_hand()
    {
        // Bin (0.6, 0.667]: two predictions at 0.65, one right: |0.5 - 0.65| = 0.15.
        // Bin (0.933, 1]:   two predictions at 0.95, both right: |1 - 0.95| = 0.05.
        // ECE = 2/4 * 0.15 + 2/4 * 0.05 = 0.1
        float[] probabilities = [0.65f, 0.35f, 0.65f, 0.35f, 0.05f, 0.95f, 0.95f, 0.05f];

        var metrics = ClassificationMetrics.Compute(["a", "b"], [0, 1, 1, 0], [0, 0, 1, 0], probabilities);

        Assert.Equal(0.1, metrics.ExpectedCalibrationError!.Value, 6);
        var bins = metrics.CalibrationBins!;
        Assert.Equal((2, 0.5), (bins[9].Count, bins[9].Accuracy!.Value));
        Assert.Equal((2, 1.0), (bins[14].Count, bins[14].Accuracy!.Value));
        Assert.Equal(0.95, bins[14].Confidence!.Value, 6);
    }

    [Fact]
    public void An_overconfident_model_that_is_always_wrong_has_calibration_error_equal_to_its_confidence()
    {
        var metrics = ClassificationMetrics.Compute(["a", "b"], [1, 1, 0], [0, 0, 1], [0.9f, 0.1f, 0.9f, 0.1f, 0.1f, 0.9f]);

        Assert.Equal(0.9, metrics.ExpectedCalibrationError!.Value, 6);
    }

    [Fact]
    public void Normalised_confusion_rows_sum_to_one_and_a_class_absent_from_the_test_split_has_a_row_of_zeros()
    {
        // a: 3 samples (2 right, 1 as b). b: 1 sample, predicted c. c: 2 samples, both predicted a. d: absent from the split.
        var metrics = ClassificationMetrics.Compute(["a", "b", "c", "d"], [0, 0, 0, 1, 2, 2], [0, 0, 1, 2, 0, 0]);

        Assert.Equal(
            [[2.0 / 3, 1.0 / 3, 0, 0], [0, 0, 1, 0], [1, 0, 0, 0], [0, 0, 0, 0]],
            metrics.NormalizedConfusionMatrix);
        Assert.Equal(metrics.PerClass.Select(score => score.Recall), metrics.NormalizedConfusionMatrix.Select((row, i) => row[i]));
    }

    [Fact]
    public void Each_class_names_its_most_frequent_confusion_and_a_class_never_misclassified_or_absent_names_none()
    {
        // a: 5 samples, 2 right, 2 as c, 1 as b -> c (2 of 5). b: 2 samples, 1 as a, 1 as c: a tie, the lower label wins -> a.
        // c: never predicted right (both as a) -> a (2 of 2). d: absent from the split -> none. e: always right -> none.
        int[] truth = [0, 0, 0, 0, 0, 1, 1, 2, 2, 4];
        int[] predicted = [0, 0, 2, 2, 1, 0, 2, 0, 0, 4];

        var metrics = ClassificationMetrics.Compute(["a", "b", "c", "d", "e"], truth, predicted);

        Assert.Equal(new ClassConfusion("c", 2, 0.4), metrics.PerClass[0].MostFrequentConfusion);
        Assert.Equal(new ClassConfusion("a", 1, 0.5), metrics.PerClass[1].MostFrequentConfusion);
        Assert.Equal(new ClassConfusion("a", 2, 1.0), metrics.PerClass[2].MostFrequentConfusion);
        Assert.Null(metrics.PerClass[3].MostFrequentConfusion);
        Assert.Null(metrics.PerClass[4].MostFrequentConfusion);
        Assert.Equal(0, metrics.PerClass[2].Precision); // c is never predicted correctly
    }

    [Fact]
    public void Rejects_labels_outside_the_classes()
    {
        var truthError = Assert.Throws<ArgumentOutOfRangeException>(() => ClassificationMetrics.Compute(["a", "b"], [0, -1], [0, 1]));
        Assert.Equal("truth", truthError.ParamName);
        Assert.Contains("Sample 1 has label -1", truthError.Message);

        var predictedError = Assert.Throws<ArgumentOutOfRangeException>(() => ClassificationMetrics.Compute(["a", "b"], [0, 1], [2, 1]));
        Assert.Equal("predicted", predictedError.ParamName);
    }

    [Fact]
    public void Rejects_mismatched_lengths_and_empty_input()
    {
        Assert.Equal("predicted", Assert.Throws<ArgumentException>(() => ClassificationMetrics.Compute(["a", "b"], [0, 1], [0])).ParamName);
        Assert.Equal("truth", Assert.Throws<ArgumentException>(() => ClassificationMetrics.Compute(["a", "b"], [], [])).ParamName);
        Assert.Equal("classes", Assert.Throws<ArgumentException>(() => ClassificationMetrics.Compute([], [0], [0])).ParamName);
    }

    [Fact]
    public void Rejects_duplicate_class_names()
    {
        var error = Assert.Throws<ArgumentException>(() => ClassificationMetrics.Compute(["a", "b", "a"], [0], [0]));
        Assert.Contains("'a'", error.Message);
    }

    [Fact]
    public void Rejects_probabilities_of_the_wrong_shape_or_not_finite()
    {
        var shape = Assert.Throws<ArgumentException>(() => ClassificationMetrics.Compute(["a", "b"], [0, 1], [0, 1], [0.5f, 0.5f, 1f]));
        Assert.Equal("probabilities", shape.ParamName);
        Assert.Contains("2 samples x 2 classes", shape.Message);

        var notFinite = Assert.Throws<ArgumentException>(() => ClassificationMetrics.Compute(["a", "b"], [0, 1], [0, 1], [0.5f, 0.5f, float.NaN, 1f]));
        Assert.Contains("probabilities[1, 0]", notFinite.Message);
    }

    private static void AssertClass(ClassMetrics actual, string name, double precision, double recall, double f1, int support)
    {
        Assert.Equal(name, actual.Class);
        Assert.Equal(precision, actual.Precision, Precision);
        Assert.Equal(recall, actual.Recall, Precision);
        Assert.Equal(f1, actual.F1, Precision);
        Assert.Equal(support, actual.Support);
    }

    private static void AssertAverage(AveragedMetrics actual, double precision, double recall, double f1)
    {
        Assert.Equal(precision, actual.Precision, Precision);
        Assert.Equal(recall, actual.Recall, Precision);
        Assert.Equal(f1, actual.F1, Precision);
    }
}
