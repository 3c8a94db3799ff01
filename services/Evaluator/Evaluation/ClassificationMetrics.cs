using System.Text.Json.Serialization;

namespace Pipeline.Evaluator.Evaluation;

/// <summary>
/// Test-split scores of one classifier (<c>metrics.json</c>). Zero divisions score 0, as scikit-learn's
/// <c>zero_division=0</c>: a class never predicted has precision 0, a class absent from the truth has recall 0,
/// and F1 is 0 when precision and recall are both 0. Such classes still count in the macro average.
/// </summary>
public sealed record ClassificationMetrics
{
    /// <summary>2 added the log-likelihood, calibration, the row-normalised confusion matrix and each class's most frequent confusion.</summary>
    public const int CurrentSchemaVersion = 2;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    /// <summary>Number of scored samples.</summary>
    public required int Count { get; init; }

    /// <summary>Fraction (0..1) of samples whose predicted label is the true label.</summary>
    public required double Accuracy { get; init; }

    /// <summary>Fraction whose true class is among the 3 most probable; absent without probabilities or with 3 classes or fewer.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? Top3Accuracy { get; init; }

    /// <summary>As <see cref="Top3Accuracy"/> for the 5 most probable classes.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? Top5Accuracy { get; init; }

    /// <summary>Mean negative log-likelihood of the true class (natural log; lower is better); absent without probabilities.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? NegativeLogLikelihood { get; init; }

    /// <summary>
    /// Expected calibration error over 15 equal-width bins of top-1 confidence (0..1; 0 when confidence matches accuracy
    /// in every bin); absent without probabilities.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? ExpectedCalibrationError { get; init; }

    /// <summary>The bins behind <see cref="ExpectedCalibrationError"/>, lowest confidence first: the reliability diagram's data.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<CalibrationBin>? CalibrationBins { get; init; }

    /// <summary>Class names in the order given (sorted folder names); a label is an index into this list.</summary>
    public required IReadOnlyList<string> Classes { get; init; }

    /// <summary>Counts: <c>ConfusionMatrix[trueLabel][predictedLabel]</c>.</summary>
    public required int[][] ConfusionMatrix { get; init; }

    /// <summary>
    /// <see cref="ConfusionMatrix"/> with each row divided by its class's support, so that a row sums to 1 (the diagonal is
    /// the recall); a class absent from the test split has a row of zeros. Empty in files of schema version 1.
    /// </summary>
    public double[][] NormalizedConfusionMatrix { get; init; } = [];

    public required IReadOnlyList<ClassMetrics> PerClass { get; init; }

    /// <summary>Unweighted mean over classes: every class matters equally, however rare.</summary>
    public required AveragedMetrics MacroAverage { get; init; }

    /// <summary>Mean over classes weighted by support: what the typical sample sees.</summary>
    public required AveragedMetrics WeightedAverage { get; init; }

    /// <param name="classes">Class names; labels index into this list.</param>
    /// <param name="truth">True label of every sample.</param>
    /// <param name="predicted">Predicted label of every sample, in the same order.</param>
    /// <param name="probabilities">Optional softmax output, row-major [samples, classes]; enables top-k accuracy, the log-likelihood and calibration.</param>
    /// <exception cref="ArgumentException">Empty or duplicate classes, no samples, mismatched lengths, or non-finite probabilities.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A label outside 0..classes-1.</exception>
    public static ClassificationMetrics Compute(IReadOnlyList<string> classes, ReadOnlySpan<int> truth, ReadOnlySpan<int> predicted, float[]? probabilities = null)
    {
        ArgumentNullException.ThrowIfNull(classes);
        ValidateClasses(classes);
        if (truth.Length == 0)
            throw new ArgumentException("There are no samples to score.", nameof(truth));
        if (predicted.Length != truth.Length)
            throw new ArgumentException($"predicted has {predicted.Length} labels but truth has {truth.Length}; they must match one to one.", nameof(predicted));
        ValidateLabels(truth, classes.Count, nameof(truth));
        ValidateLabels(predicted, classes.Count, nameof(predicted));
        if (probabilities is not null)
            ValidateProbabilities(probabilities, truth.Length, classes.Count);

        var confusion = ConfusionCounts(classes.Count, truth, predicted);
        var perClass = classes.Select((name, label) => ScoreClass(classes, label, confusion)).ToList();
        var correct = Enumerable.Range(0, classes.Count).Sum(label => confusion[label][label]);
        var calibrationBins = probabilities is null ? null : ProbabilityScores.CalibrationBins(truth, predicted, probabilities, classes.Count);
        return new ClassificationMetrics
        {
            Count = truth.Length,
            Accuracy = (double)correct / truth.Length,
            Top3Accuracy = probabilities is null ? null : TopKAccuracy(3, truth, probabilities, classes.Count),
            Top5Accuracy = probabilities is null ? null : TopKAccuracy(5, truth, probabilities, classes.Count),
            NegativeLogLikelihood = probabilities is null ? null : ProbabilityScores.NegativeLogLikelihood(truth, probabilities, classes.Count),
            ExpectedCalibrationError = calibrationBins is null ? null : ProbabilityScores.ExpectedCalibrationError(calibrationBins),
            CalibrationBins = calibrationBins,
            Classes = classes.ToList(),
            ConfusionMatrix = confusion,
            NormalizedConfusionMatrix = confusion.Select(row => row.Select(count => Ratio(count, row.Sum())).ToArray()).ToArray(),
            PerClass = perClass,
            MacroAverage = Average(perClass, _ => 1),
            WeightedAverage = Average(perClass, score => score.Support),
        };
    }

    private static void ValidateClasses(IReadOnlyList<string> classes)
    {
        if (classes.Count == 0)
            throw new ArgumentException("At least one class is needed.", nameof(classes));
        var duplicate = classes.GroupBy(name => name, StringComparer.Ordinal).FirstOrDefault(group => group.Count() > 1);
        if (duplicate is not null)
            throw new ArgumentException($"Class '{duplicate.Key}' appears more than once; class names must be unique.", nameof(classes));
    }

    private static void ValidateLabels(ReadOnlySpan<int> labels, int classCount, string paramName)
    {
        for (var i = 0; i < labels.Length; i++)
            if ((uint)labels[i] >= (uint)classCount)
                throw new ArgumentOutOfRangeException(paramName, labels[i], $"Sample {i} has label {labels[i]}, outside 0..{classCount - 1} ({classCount} classes).");
    }

    private static void ValidateProbabilities(float[] probabilities, int sampleCount, int classCount)
    {
        if (probabilities.Length != (long)sampleCount * classCount)
            throw new ArgumentException($"probabilities has {probabilities.Length} values; expected {sampleCount} samples x {classCount} classes = {(long)sampleCount * classCount}.", nameof(probabilities));
        var bad = Array.FindIndex(probabilities, p => !float.IsFinite(p));
        if (bad >= 0)
            throw new ArgumentException($"probabilities[{bad / classCount}, {bad % classCount}] is {probabilities[bad]}; every value must be finite.", nameof(probabilities));
    }

    private static int[][] ConfusionCounts(int classCount, ReadOnlySpan<int> truth, ReadOnlySpan<int> predicted)
    {
        var confusion = new int[classCount][];
        for (var label = 0; label < classCount; label++)
            confusion[label] = new int[classCount];
        for (var i = 0; i < truth.Length; i++)
            confusion[truth[i]][predicted[i]]++;
        return confusion;
    }

    private static ClassMetrics ScoreClass(IReadOnlyList<string> classes, int label, int[][] confusion)
    {
        var truePositives = confusion[label][label];
        var support = confusion[label].Sum();
        var predictedCount = confusion.Sum(row => row[label]);
        var precision = Ratio(truePositives, predictedCount);
        var recall = Ratio(truePositives, support);
        return new ClassMetrics(classes[label], precision, recall, F1(precision, recall), support, MostFrequentConfusion(classes, label, confusion[label]));
    }

    /// <summary>The off-diagonal cell of the class's row with the largest count; ties go to the lower label.</summary>
    private static ClassConfusion? MostFrequentConfusion(IReadOnlyList<string> classes, int label, int[] row)
    {
        var worst = -1;
        for (var other = 0; other < row.Length; other++)
            if (other != label && row[other] > 0 && (worst < 0 || row[other] > row[worst]))
                worst = other;
        return worst < 0 ? null : new ClassConfusion(classes[worst], row[worst], Ratio(row[worst], row.Sum()));
    }

    private static double Ratio(double numerator, double denominator) => denominator == 0 ? 0 : numerator / denominator;

    private static double F1(double precision, double recall) => Ratio(2 * precision * recall, precision + recall);

    private static AveragedMetrics Average(IReadOnlyList<ClassMetrics> perClass, Func<ClassMetrics, double> weight)
    {
        var total = perClass.Sum(weight);
        double Mean(Func<ClassMetrics, double> metric) => Ratio(perClass.Sum(score => weight(score) * metric(score)), total);
        return new AveragedMetrics(Mean(score => score.Precision), Mean(score => score.Recall), Mean(score => score.F1));
    }

    /// <summary>
    /// Null when k would cover every class (the score would be 1 by construction). Ties rank the lower label first,
    /// as argmax does, so top-1 from the same probabilities equals argmax accuracy.
    /// </summary>
    private static double? TopKAccuracy(int k, ReadOnlySpan<int> truth, float[] probabilities, int classCount)
    {
        if (k >= classCount)
            return null;
        var hits = 0;
        for (var i = 0; i < truth.Length; i++)
        {
            var row = probabilities.AsSpan(i * classCount, classCount);
            var trueProbability = row[truth[i]];
            var rank = 0;
            for (var label = 0; label < classCount; label++)
                if (row[label] > trueProbability || (row[label] == trueProbability && label < truth[i]))
                    rank++;
            if (rank < k)
                hits++;
        }
        return (double)hits / truth.Length;
    }
}
