using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;
using Pipeline.Contracts;
using Pipeline.Datasets;
using Pipeline.Runs;
using Pipeline.Shards;
using Pipeline.Storage;

namespace Pipeline.Preprocessor.Preprocessing;

/// <summary>Images decoded so far out of all candidate image files of the dataset.</summary>
public readonly record struct PreprocessingProgress(int Processed, int Total);

/// <summary>A dataset ready for training: its manifest, where the manifest lives, and whether an earlier run had already made it.</summary>
public sealed record PreparedDataset(DatasetManifest Manifest, string ManifestKey, bool FromCache)
{
    public DatasetPrepared ToEvent(Guid runId) => new(
        runId, ManifestKey, Manifest.Fingerprint, Manifest.Classes.Count,
        Manifest[DatasetSplits.Train].Count, Manifest[DatasetSplits.Validation].Count, Manifest[DatasetSplits.Test].Count,
        Manifest.Quarantine.Count, FromCache, Versions);

    private static readonly IReadOnlyDictionary<string, string> Versions = ComponentVersions.Of(typeof(SixLabors.ImageSharp.Image), typeof(DatasetPreparer));
}

/// <summary>
/// The Preprocessor stage: ImageFolder in, shards and a manifest out (under <c>prepared/&lt;fingerprint&gt;/</c>).
/// Bad files are quarantined, never fatal; the manifest is written last, so its presence means every shard is in place.
/// </summary>
public sealed class DatasetPreparer(IObjectStore store, ILogger<DatasetPreparer> logger, PreprocessingOptions? options = null)
{
    public const int ProgressInterval = 100;

    private readonly PreprocessingOptions _options = options ?? PreprocessingOptions.Default;

    /// <exception cref="PipelineException">The folder, its classes or its images cannot make a dataset (the message says why).</exception>
    public async Task<PreparedDataset> PrepareAsync(RunSpec spec, IProgress<PreprocessingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        if (spec.Split.Error is { } splitError)
            throw new PipelineException(splitError);
        var scan = await Task.Run(() => ImageFolderScanner.Scan(spec.DataDir), cancellationToken);
        if (scan.Images.Count == 0)
            throw new PipelineException(
                $"'{spec.DataDir}' holds no image files (extensions {string.Join(" ", ImageFolderScanner.ImageExtensions.Order(StringComparer.Ordinal))}) " +
                $"in its class folders; skipped {scan.Skipped.NotImages} other and {scan.Skipped.Hidden} hidden files.");

        var fingerprint = DatasetFingerprint.Compute(scan, _options, spec.Seed, spec.Split);
        var manifestKey = ObjectKeys.Manifest(fingerprint);
        if (await TryLoadCachedAsync(manifestKey, cancellationToken) is { } cached)
        {
            logger.LogInformation("Dataset {Fingerprint} is already prepared ({Images} images); reusing {ManifestKey}", fingerprint, scan.Images.Count, manifestKey);
            return new PreparedDataset(cached, manifestKey, FromCache: true);
        }

        logger.LogInformation("Preparing {Images} images in {Classes} classes from {Root} as dataset {Fingerprint}", scan.Images.Count, scan.Classes.Count, scan.Root, fingerprint);
        var stopwatch = Stopwatch.StartNew();
        var loader = new SafeImageLoader(_options);
        using var pixels = PixelSpill.Create(_options.WorkDirectory, loader.PixelBytes, fingerprint);
        var problems = await DecodeAllAsync(scan, loader, pixels, progress, cancellationToken);
        var decodeSeconds = stopwatch.Elapsed.TotalSeconds;

        var quarantine = scan.Images.Select((image, i) => (image, problem: problems[i]))
            .Where(entry => entry.problem is not null)
            .Select(entry => new QuarantinedFile(entry.image.RelativePath, entry.problem!))
            .ToArray();
        var usable = Enumerable.Range(0, scan.Images.Count).Where(i => problems[i] is null).ToArray();
        if (usable.Length == 0)
            throw new PipelineException(
                $"None of the {scan.Images.Count} image files in '{spec.DataDir}' could be read; " +
                $"for example '{quarantine[0].Path}': {quarantine[0].Reason}.");
        foreach (var file in quarantine)
            logger.LogWarning("Quarantined {Path}: {Reason}", file.Path, file.Reason);

        var splitIndices = StratifiedSplitter.Split(
            usable.Select(i => new LabelledImage(scan.Images[i].RelativePath, scan.Images[i].Label)).ToArray(), scan.Classes, spec.Split, spec.Seed);
        var splits = new Dictionary<string, SplitManifest>();
        using var shardBuffer = new MemoryStream(ShardFormat.HeaderSize + Math.Min(usable.Length, _options.ImagesPerShard) * ShardFormat.RecordSize(_options.ImageSize, _options.ImageSize));
        foreach (var (split, indices) in splitIndices)
        {
            var members = indices.Select(i => usable[i]).ToArray();
            splits[split] = await WriteSplitAsync(fingerprint, split, scan, members, pixels, shardBuffer, cancellationToken);
        }

        var manifest = new DatasetManifest
        {
            Fingerprint = fingerprint,
            Source = scan.Root,
            ImageWidth = _options.ImageSize,
            ImageHeight = _options.ImageSize,
            Classes = scan.Classes,
            Seed = spec.Seed,
            Split = spec.Split,
            Splits = splits,
            Quarantine = quarantine,
            Skipped = scan.Skipped,
        };
        await store.PutJsonAsync(manifestKey, manifest, cancellationToken);
        logger.LogInformation("Prepared dataset {Fingerprint}: {Usable} images ({Quarantined} quarantined) in {Seconds:F2} s ({DecodeSeconds:F2} s decoding), {Rate:F0} images/s",
            fingerprint, usable.Length, quarantine.Length, stopwatch.Elapsed.TotalSeconds, decodeSeconds, scan.Images.Count / stopwatch.Elapsed.TotalSeconds);
        return new PreparedDataset(manifest, manifestKey, FromCache: false);
    }

    private async Task<DatasetManifest?> TryLoadCachedAsync(string manifestKey, CancellationToken cancellationToken)
    {
        if (!await store.ExistsAsync(manifestKey, cancellationToken))
            return null;
        try
        {
            return await store.GetJsonAsync<DatasetManifest>(manifestKey, cancellationToken);
        }
        catch (JsonException e)
        {
            // An unreadable manifest (e.g. from an incompatible build) is no cache: prepare again and overwrite it.
            logger.LogWarning(e, "Ignoring unreadable manifest {ManifestKey}", manifestKey);
            return null;
        }
    }

    /// <summary>Decodes every candidate image on all cores into its slot of the spill file; returns each image's problem (null = usable).</summary>
    private Task<string?[]> DecodeAllAsync(ImageFolderScan scan, SafeImageLoader loader, PixelSpill pixels, IProgress<PreprocessingProgress>? progress, CancellationToken cancellationToken)
    {
        var total = scan.Images.Count;
        var problems = new string?[total];
        var processed = 0;
        var parallel = new ParallelOptions
        {
            CancellationToken = cancellationToken,
            MaxDegreeOfParallelism = _options.MaxDegreeOfParallelism ?? Environment.ProcessorCount,
        };
        return Task.Run(() =>
        {
            Parallel.For(0, total, parallel, () => new byte[loader.PixelBytes], (i, _, buffer) =>
            {
                if (loader.TryLoad(scan.Images[i].FullPath, buffer, out var problem))
                    pixels.Write(i, buffer);
                problems[i] = problem;
                var done = Interlocked.Increment(ref processed);
                if (done % ProgressInterval == 0 || done == total)
                    progress?.Report(new PreprocessingProgress(done, total));
                return buffer;
            }, _ => { });
            return problems;
        }, cancellationToken);
    }

    /// <summary>Writes one split as shards of up to <see cref="PreprocessingOptions.ImagesPerShard"/> images, in the given order.</summary>
    /// <remarks>
    /// Each shard is built in <paramref name="shard"/>, one reused buffer (about 77 MB at 512 images): a temp file would add a
    /// disk round trip per shard, and measured slower here.
    /// </remarks>
    private async Task<SplitManifest> WriteSplitAsync(string fingerprint, string split, ImageFolderScan scan, int[] members, PixelSpill pixels, MemoryStream shard, CancellationToken cancellationToken)
    {
        var shards = new List<ShardEntry>();
        var buffer = new byte[pixels.PixelBytes];
        foreach (var (chunk, index) in members.Chunk(_options.ImagesPerShard).Select((chunk, index) => (chunk, index)))
        {
            cancellationToken.ThrowIfCancellationRequested();
            shard.SetLength(0);
            var writer = new ShardWriter(shard, _options.ImageSize, _options.ImageSize);
            foreach (var image in chunk)
            {
                pixels.Read(image, buffer);
                writer.Add(scan.Images[image].Label, buffer);
            }
            writer.Complete();
            var sha256 = Convert.ToHexStringLower(SHA256.HashData(shard.GetBuffer().AsSpan(0, (int)shard.Length)));
            var key = ObjectKeys.Shard(fingerprint, split, index);
            await store.PutAsync(key, shard, cancellationToken);
            shards.Add(new ShardEntry(key, writer.Count, shard.Length, sha256));
        }
        var classCounts = new int[scan.Classes.Count];
        foreach (var image in members)
            classCounts[scan.Images[image].Label]++;
        return new SplitManifest(members.Length, classCounts, shards, members.Select(i => scan.Images[i].RelativePath).ToArray());
    }

    /// <summary>
    /// Decoded pixels on local disk, one fixed-size slot per candidate image: the split needs to know which images are
    /// usable before any shard is written, and holding every decoded image in memory would not scale.
    /// </summary>
    private sealed class PixelSpill : IDisposable
    {
        private readonly SafeFileHandle _handle;

        private PixelSpill(SafeFileHandle handle, int pixelBytes)
        {
            _handle = handle;
            PixelBytes = pixelBytes;
        }

        public int PixelBytes { get; }

        public static PixelSpill Create(string? workDirectory, int pixelBytes, string fingerprint)
        {
            var folder = workDirectory ?? Path.GetTempPath();
            Directory.CreateDirectory(folder);
            var path = Path.Combine(folder, $"pipeline-{fingerprint}-{Guid.NewGuid():N}.pixels");
            return new PixelSpill(File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, FileOptions.DeleteOnClose), pixelBytes);
        }

        public void Write(int slot, ReadOnlySpan<byte> pixels) => RandomAccess.Write(_handle, pixels[..PixelBytes], (long)slot * PixelBytes);

        public void Read(int slot, Span<byte> pixels)
        {
            var offset = (long)slot * PixelBytes;
            for (var filled = 0; filled < PixelBytes;)
            {
                var read = RandomAccess.Read(_handle, pixels[filled..PixelBytes], offset + filled);
                if (read == 0)
                    throw new InvalidDataException($"The pixel spill file ended before slot {slot} was complete.");
                filled += read;
            }
        }

        public void Dispose() => _handle.Dispose();
    }
}
