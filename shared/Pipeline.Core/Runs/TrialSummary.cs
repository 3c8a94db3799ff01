using Pipeline.Contracts;

namespace Pipeline.Runs;

/// <param name="Report">The trial's report page, relative to the run-level report folder.</param>
/// <param name="MacroF1">The unweighted mean of the classes' F1 on the test split (metrics.json's macroAverage.f1).</param>
/// <param name="ExpectedCalibrationError">From the trial's metrics.json, when its evaluator computed it.</param>
/// <param name="ValidationAccuracies">Validation accuracy after each epoch (the trial's history.json), to compare the trials' curves.</param>
public sealed record TrialSummary(
    string TrialId,
    RunState State,
    TrainingSpec Training,
    int? BestEpoch,
    double? ValidationAccuracy,
    double? TestAccuracy,
    string? Report,
    string? Error,
    double? MacroF1 = null,
    double? ExpectedCalibrationError = null,
    IReadOnlyList<double>? ValidationAccuracies = null);
