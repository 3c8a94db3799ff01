using Pipeline.Cli.Benchmarks;
using Pipeline.Preprocessor.Preprocessing;

namespace Pipeline.Cli.Commands;

/// <summary>`bench preprocess --json`: one object on stdout. Fields are only ever added.</summary>
/// <param name="Images">Images the pipeline prepared (quarantined files not counted), in <paramref name="Seconds"/>, warm-up excluded.</param>
/// <param name="ImagesPerSecondPerCore">Images per second divided by <paramref name="Threads"/>.</param>
/// <param name="Phases">Where the pipeline's seconds went: listing and hashing, decoding, writing shards.</param>
/// <param name="PeakRssMb">The process's peak resident set in MiB.</param>
/// <param name="Peer">The Python peer on the same images, or null when it did not run (<paramref name="PeerSkipped"/> says why).</param>
/// <param name="Ratio">The pipeline's images per second per core over the peer's: above 1, the pipeline is faster.</param>
/// <param name="Error">Why nothing was measured; null when it was.</param>
/// <param name="ChunkImages">Files per chunk (<c>--chunk-images</c>); the chunks were prepared one after another in this process.</param>
public sealed record BenchPreprocessJson(int SchemaVersion, string Directory, string Decoder, int Threads, int Images, int Quarantined, double Seconds,
    double ImagesPerSecond, double ImagesPerSecondPerCore, PreparationTimes? Phases, double PeakRssMb, PeerMeasurement? Peer, double? Ratio, string? PeerSkipped, string? Error,
    int? ChunkImages = null)
{
    public const int CurrentSchemaVersion = 1;

    public static BenchPreprocessJson Rejected(string directory, string decoder, int threads, string error) =>
        new(CurrentSchemaVersion, directory, decoder, threads, 0, 0, 0, 0, 0, null, 0, null, null, null, error);
}
