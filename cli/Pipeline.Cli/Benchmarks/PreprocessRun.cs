using Pipeline.Preprocessor.Preprocessing;

namespace Pipeline.Cli.Benchmarks;

/// <summary>The timed preparation: the images it prepared (full paths, for the peer to prepare the same), how long it took, the process's peak memory.</summary>
/// <param name="Phases">Where the <paramref name="Seconds"/> went.</param>
/// <param name="PeakRssMb">The process's peak resident set (VmHWM) in MiB, warm-up included.</param>
public sealed record PreprocessRun(IReadOnlyList<string> Prepared, int Quarantined, double Seconds, PreparationTimes Phases, double PeakRssMb);
