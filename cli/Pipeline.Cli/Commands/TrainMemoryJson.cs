namespace Pipeline.Cli.Commands;

/// <summary>`bench train --memory`: one trial's resident set in MiB.</summary>
/// <param name="PeakResidentMiB">The peak (VmHWM) from the trial's start (after the dataset was prepared) to its end, feature extraction included.</param>
/// <param name="EpochResidentMiB">The resident set (VmRSS) after each epoch's checkpoint.</param>
public sealed record TrainMemoryJson(double PeakResidentMiB, IReadOnlyList<double> EpochResidentMiB);
