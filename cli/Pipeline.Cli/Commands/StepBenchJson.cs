using Pipeline.Cli.Benchmarks;
using Pipeline.Contracts;

namespace Pipeline.Cli.Commands;

/// <summary>
/// `bench step --json`: one object on stdout. Each round's figure is the median milliseconds of its timed steps; the
/// headline figures are medians over rounds; spreads are (max - min) / median over rounds. Ratio: our images per second
/// over the peer's (above 1: we are faster). Fields are only ever added.
/// </summary>
/// <param name="Peer">The peer's libraries and versions.</param>
/// <param name="OursPhasesMs">Each phase's mean milliseconds per step, median over rounds (where the difference lies).</param>
public sealed record StepBenchJson(int SchemaVersion, string? Backbone, TrainingMode? Mode, int BatchSize, int ImageSize, int Threads, int InteropThreads,
    int Rounds, int Steps, int Warmup,
    double? OursMsPerStep, double? PeerMsPerStep, double? OursImagesPerSecond, double? PeerImagesPerSecond, double? Ratio,
    IReadOnlyList<double>? OursRoundMs, IReadOnlyList<double>? PeerRoundMs, double? OursSpread, double? PeerSpread,
    StepPhasesJson? OursPhasesMs, StepPhasesJson? PeerPhasesMs, string? Peer, string? Error)
{
    public static StepBenchJson Rejected(string error) =>
        new(1, null, null, 0, 0, 0, 0, 0, 0, 0, null, null, null, null, null, null, null, null, null, null, null, null, error);
}
