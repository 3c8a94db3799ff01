using System.Globalization;

namespace Pipeline.Preprocessor.Preprocessing;

/// <summary>How images become shard records. Every option that changes the output is part of the dataset fingerprint.</summary>
public sealed record PreprocessingOptions
{
    /// <summary>Bump whenever decoding, resizing or sharding changes the bytes produced, so that old caches are not reused.</summary>
    public const int Version = 1;

    public static readonly PreprocessingOptions Default = new();

    /// <summary>Side of the square every image is resized and centre-cropped to.</summary>
    public int ImageSize { get; init; } = 224;

    public long MaxFileBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>Checked from the header before decoding, so that a tiny file claiming huge dimensions cannot exhaust memory.</summary>
    public long MaxPixels { get; init; } = 50_000_000;

    public int ImagesPerShard { get; init; } = 512;

    /// <summary>Decoding threads; null uses every core.</summary>
    public int? MaxDegreeOfParallelism { get; init; }

    /// <summary>Where decoded pixels wait for the split (about 150 KB per image); null uses the system temp folder.</summary>
    public string? WorkDirectory { get; init; }

    /// <summary>The options that decide the output bytes, as the fingerprint hashes them.</summary>
    internal string FingerprintText => string.Create(CultureInfo.InvariantCulture,
        $"version={Version};size={ImageSize};maxBytes={MaxFileBytes};maxPixels={MaxPixels};perShard={ImagesPerShard}");
}
