using System.Globalization;
using Pipeline.Imaging;

namespace Pipeline.Preprocessor.Preprocessing;

/// <summary>
/// <c>Pipeline:Preprocessor</c>: the worker's limits and resources. The limits change which files are usable, so they
/// are part of the dataset fingerprint; the rest only changes how fast the work goes.
/// </summary>
public sealed record PreprocessorOptions
{
    public const string Section = "Pipeline:Preprocessor";

    /// <summary>Bump whenever decoding, resizing or sharding changes the bytes produced, so that old caches are not reused.</summary>
    /// <remarks>4: the split is decided before decoding (a file that fails to decode leaves its split one image short).</remarks>
    public const int Version = 4;

    public static readonly PreprocessorOptions Default = new();

    /// <inheritdoc cref="ImageLoadOptions.DefaultMaxFileBytes"/>
    public long MaxFileBytes { get; init; } = ImageLoadOptions.DefaultMaxFileBytes;

    /// <inheritdoc cref="ImageLoadOptions.MaxPixels"/>
    public long MaxPixels { get; init; } = ImageLoadOptions.DefaultMaxPixels;

    public int ImagesPerShard { get; init; } = 512;

    /// <summary>
    /// Memory that images decoding at the same time may claim together (estimated from their headers, see
    /// <see cref="ImageLoader.DecodeBytesPerPixel"/>): a large image waits for room rather than adding to the peak.
    /// </summary>
    public long DecodeMemoryBytes { get; init; } = 2L * 1024 * 1024 * 1024;

    /// <summary>
    /// How long one image may take to decode before it is quarantined and the run goes on without it. The decoder cannot
    /// be stopped, so a file that made it loop still holds a thread; this bounds the run, not that thread.
    /// </summary>
    public TimeSpan DecodeTimeLimit { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Which library decodes JPEGs after ImageSharp has identified and accepted them (<c>imagesharp</c> or <c>skia</c>). The
    /// pixels differ slightly between them, so it is part of the fingerprint.
    /// </summary>
    public ImageDecoder Decoder { get; init; } = ImageDecoder.ImageSharp;

    /// <summary>
    /// Listed files per chunk. A larger dataset is cut into chunks that every preprocessor shares out; up to this many
    /// files it is prepared by one preprocessor in one go. The split and the fingerprint never depend on it.
    /// </summary>
    public int ChunkImages { get; init; } = 10_000;

    /// <summary>Chunks this process prepares at once (each one already decodes on <see cref="MaxDegreeOfParallelism"/> threads).</summary>
    public int ChunksAtOnce { get; init; } = 1;

    /// <summary>Decoding threads; null uses every core.</summary>
    public int? MaxDegreeOfParallelism { get; init; }

    /// <summary>Where decoded pixels wait for the split (about 150 KB per image); null uses the system temp folder.</summary>
    public string? WorkDirectory { get; init; }

    /// <summary>The limits that decide the output bytes, as the fingerprint hashes them.</summary>
    internal string FingerprintText => string.Create(CultureInfo.InvariantCulture,
        $"version={Version};maxBytes={MaxFileBytes};maxPixels={MaxPixels};perShard={ImagesPerShard};decoder={Decoder}");
}
