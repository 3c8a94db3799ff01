namespace Pipeline.Cli.Benchmarks;

/// <summary>What <c>benchmarks/preprocess_peer.py</c> prints: Pillow and torchvision on the same images, one process per core.</summary>
/// <param name="Tool">The peer's libraries and versions.</param>
/// <param name="Failed">Files Pillow could not prepare.</param>
/// <param name="PeakRssMb">The peak resident sets (VmHWM) of the parent and every worker process, added up, in MiB.</param>
public sealed record PeerMeasurement(string Tool, int Images, int Failed, int Processes, double Seconds, double ImagesPerSecond,
    double ImagesPerSecondPerCore, double PeakRssMb);
