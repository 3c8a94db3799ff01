namespace Pipeline.Evaluator.Evaluation;

/// <summary>Scores that judge the probabilities themselves, not only the predicted label: log-likelihood and calibration.</summary>
internal static class ProbabilityScores
{
    /// <summary>Equal-width bins of top-1 confidence for the expected calibration error and the reliability diagram.</summary>
    public const int CalibrationBinCount = 15;

    /// <summary>
    /// Probabilities below this count as this in the log-likelihood: one confident mistake (softmax rounded to 0 in
    /// float32) then costs ln(1e7) ≈ 16.1 instead of making the mean infinite. float32's machine epsilon, like scikit-learn's log_loss.
    /// </summary>
    public const double ProbabilityFloor = 1.1920929e-7;

    /// <summary>Mean of -ln p(true class) over the samples (natural log).</summary>
    public static double NegativeLogLikelihood(ReadOnlySpan<int> truth, float[] probabilities, int classCount)
    {
        var sum = 0.0;
        for (var i = 0; i < truth.Length; i++)
            sum -= Math.Log(Math.Max(probabilities[i * classCount + truth[i]], ProbabilityFloor));
        return sum / truth.Length;
    }

    /// <summary>
    /// Top-1 confidence (the probability of the predicted label) binned into <see cref="CalibrationBinCount"/> equal-width
    /// bins; bin b holds confidences in (b/15, (b+1)/15], and 0 goes to the first.
    /// </summary>
    public static IReadOnlyList<CalibrationBin> CalibrationBins(ReadOnlySpan<int> truth, ReadOnlySpan<int> predicted, float[] probabilities, int classCount)
    {
        var counts = new int[CalibrationBinCount];
        var correct = new int[CalibrationBinCount];
        var confidenceSums = new double[CalibrationBinCount];
        for (var i = 0; i < truth.Length; i++)
        {
            double confidence = probabilities[i * classCount + predicted[i]];
            var bin = Math.Clamp((int)Math.Ceiling(confidence * CalibrationBinCount) - 1, 0, CalibrationBinCount - 1);
            counts[bin]++;
            confidenceSums[bin] += confidence;
            if (predicted[i] == truth[i])
                correct[bin]++;
        }
        return Enumerable.Range(0, CalibrationBinCount)
            .Select(bin => new CalibrationBin((double)bin / CalibrationBinCount, (double)(bin + 1) / CalibrationBinCount, counts[bin],
                counts[bin] == 0 ? null : confidenceSums[bin] / counts[bin],
                counts[bin] == 0 ? null : (double)correct[bin] / counts[bin]))
            .ToList();
    }

    /// <summary>Sum over bins of (bin share of samples) x |accuracy - mean confidence|: 0 for a perfectly calibrated model.</summary>
    public static double ExpectedCalibrationError(IReadOnlyList<CalibrationBin> bins)
    {
        var total = bins.Sum(bin => bin.Count);
        return bins.Where(bin => bin.Count > 0).Sum(bin => (double)bin.Count / total * Math.Abs(bin.Accuracy!.Value - bin.Confidence!.Value));
    }
}
