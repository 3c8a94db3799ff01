using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Pipeline.Contracts;
using Pipeline.Datasets;
using Pipeline.Hosting;
using Pipeline.Imaging;
using Pipeline.Shards;
using Pipeline.Storage;
using Pipeline.Telemetry;

namespace Pipeline.Preprocessor.Preprocessing;

/// <summary>
/// The Preprocessor stage: a dataset in, shards and a manifest out (under <c>prepared/&lt;fingerprint&gt;/</c>).
/// Bad files are quarantined, never fatal; the manifest is written last, so its presence means every shard is in place.
/// </summary>
public sealed class DatasetPreparer(IObjectStore store, ILogger<DatasetPreparer> logger, PreprocessorOptions? options = null)
{
    public const int ProgressInterval = 100;

    private readonly PreprocessorOptions _options = options ?? PreprocessorOptions.Default;

    /// <exception cref="PipelineException">The folder, its classes or its images cannot make a dataset (the message says why).</exception>
    public async Task<PreparedDataset> PrepareAsync(IDatasetSource source, PreprocessingSpec preprocessing, int seed,
        IProgress<PreprocessingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        if (preprocessing.Split.Error is { } splitError)
            throw new PipelineException($"split {splitError}.");
        var started = Stopwatch.GetTimestamp();
        var listing = await source.ListAsync(cancellationToken);
        var listSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        if (listing.Files.Count == 0)
            throw new PipelineException(
                $"Dataset '{source.Name}' holds no image files (extensions {string.Join(" ", ImageFolder.ImageExtensions.Order(StringComparer.Ordinal))}) " +
                $"in its class folders; skipped {listing.Skipped.NotImages} other and {listing.Skipped.Hidden} hidden files.");

        foreach (var folder in listing.Skipped.Folders)
            logger.LogWarning("Dataset {Dataset}: the folder '{Folder}' is not a class: {Reason}", source.Name, folder.Name, folder.Reason);
        var fingerprint = DatasetFingerprint.Compute(listing, preprocessing, _options, seed);
        var manifestKey = ObjectKeys.Manifest(fingerprint);
        if (await TryLoadCachedAsync(manifestKey, cancellationToken) is { } cached)
        {
            logger.LogInformation("Dataset {Fingerprint} is already prepared ({Images} images); reusing {ManifestKey}", fingerprint, listing.Files.Count, manifestKey);
            return new PreparedDataset(cached, manifestKey, FromCache: true);
        }

        logger.LogInformation("Preparing {Images} images in {Classes} classes of dataset {Dataset} as {Fingerprint}", listing.Files.Count, listing.Classes.Count, source.Name, fingerprint);
        // The images prepared together (today all of a dataset: chunk 0), the parent of their decode pass and shard writes.
        using var chunk = PipelineTelemetry.StartSpan("preprocess chunk")?.SetTag("pipeline.chunk", 0).SetTag("pipeline.files", listing.Files.Count);
        var stopwatch = Stopwatch.StartNew();
        var budget = new DecodeBudget(_options.DecodeMemoryBytes);
        var loader = new ImageLoader(ImageLoadOptions.From(preprocessing, _options.MaxPixels, _options.Decoder), budget);
        using var pixels = PixelSpill.Create(_options.WorkDirectory, loader.PixelBytes, fingerprint);
        var duplicates = DuplicateImages.Find(listing);
        var problems = await DecodeAllAsync(source, listing, duplicates.LabelConflicts, loader, pixels, progress, cancellationToken);
        var decodeSeconds = stopwatch.Elapsed.TotalSeconds;

        var quarantine = listing.Quarantine.Concat(listing.Files.Select((image, i) => (image, problem: problems[i]))
            .Where(entry => entry.problem is not null)
            .Select(entry => new QuarantinedFile(entry.image.RelativePath, entry.problem!.Code, entry.problem.Message)))
            .ToArray();
        var usable = Enumerable.Range(0, listing.Files.Count).Where(i => problems[i] is null).ToArray();
        PipelineMetrics.Decoded(usable.Length, quarantine.Length, TimeSpan.FromSeconds(decodeSeconds))?.Dispose();
        chunk?.SetTag("pipeline.images", usable.Length).SetTag("pipeline.quarantined", quarantine.Length);
        if (usable.Length == 0)
            throw new PipelineException(
                $"None of the {listing.Files.Count} image files in dataset '{source.Name}' could be read; " +
                $"for example '{quarantine[0].Path}': {quarantine[0].Message}.");
        foreach (var file in quarantine)
            logger.LogWarning("Quarantined {Path} ({Code}): {Message}", file.Path, file.Code, file.Message);

        var splitIndices = listing.PreSplit
            ? SplitsAsGiven(source.Name, listing, usable)
            : StratifiedSplitter.Split(
                usable.Select(i => new LabelledImage(listing.Files[i].RelativePath, listing.Files[i].Label, listing.Files[i].Sha256)).ToArray(), listing.Classes, preprocessing.Split, seed);
        var splits = await WriteSplitsAsync(fingerprint, splitIndices.ToDictionary(split => split.Key, split => split.Value.Select(i => usable[i]).ToArray()),
            listing, preprocessing.ImageSize, pixels, cancellationToken);

        var manifest = new DatasetManifest
        {
            Fingerprint = fingerprint,
            Source = source.Name,
            ImageWidth = preprocessing.ImageSize,
            ImageHeight = preprocessing.ImageSize,
            Classes = listing.Classes,
            Seed = seed,
            Preprocessing = preprocessing,
            Splits = splits,
            Quarantine = quarantine,
            Duplicates = duplicates.Groups,
            PreSplit = listing.PreSplit,
            Skipped = listing.Skipped,
        };
        await store.PutJsonAsync(manifestKey, manifest, cancellationToken);
        logger.LogInformation("Prepared dataset {Fingerprint}: {Usable} images ({Quarantined} quarantined) in {Seconds:F2} s ({DecodeSeconds:F2} s decoding), {Rate:F0} images/s, decodes claimed at most {PeakMegabytes} MiB at once",
            fingerprint, usable.Length, quarantine.Length, stopwatch.Elapsed.TotalSeconds, decodeSeconds, listing.Files.Count / stopwatch.Elapsed.TotalSeconds, Megabytes(budget.Peak));
        return new PreparedDataset(manifest, manifestKey, FromCache: false,
            new PreparationTimes(listSeconds, decodeSeconds, stopwatch.Elapsed.TotalSeconds - decodeSeconds));
    }

    /// <summary>A dataset that came split keeps its split: indices into <paramref name="usable"/> per split.</summary>
    /// <exception cref="PipelineException">A split folder holds no usable image.</exception>
    private static IReadOnlyDictionary<string, IReadOnlyList<int>> SplitsAsGiven(string dataset, DatasetListing listing, int[] usable)
    {
        var splits = DatasetSplits.All.ToDictionary(split => split, split => (IReadOnlyList<int>)Enumerable.Range(0, usable.Length)
            .Where(k => listing.Files[usable[k]].Split == split).ToArray());
        if (splits.FirstOrDefault(split => split.Value.Count == 0) is { Key: { } empty })
            throw new PipelineException($"Dataset '{dataset}' comes split, but its {empty}/ folder holds no usable image: add images to {empty}/<class>/, " +
                "or put the class folders at the top to let the pipeline split.");
        return splits;
    }

    private async Task<DatasetManifest?> TryLoadCachedAsync(string manifestKey, CancellationToken cancellationToken)
    {
        if (!await store.ExistsAsync(manifestKey, cancellationToken))
            return null;
        try
        {
            var manifest = await store.GetJsonAsync<DatasetManifest>(manifestKey, cancellationToken);
            if (manifest.SchemaVersion != DatasetManifest.CurrentSchemaVersion)
            {
                logger.LogWarning("Manifest {ManifestKey} has schema version {Version}, this build writes {Current}: preparing the dataset again",
                    manifestKey, manifest.SchemaVersion, DatasetManifest.CurrentSchemaVersion);
                return null;
            }
            if (await FirstDamagedShardAsync(manifest, cancellationToken) is { } damaged)
            {
                logger.LogWarning("Prepared dataset {ManifestKey} is damaged ({Damage}): preparing it again", manifestKey, damaged);
                return null;
            }
            return manifest;
        }
        catch (JsonException e)
        {
            // An unreadable manifest (e.g. from an incompatible build) is no cache: prepare again and overwrite it.
            logger.LogWarning(e, "Ignoring unreadable manifest {ManifestKey}", manifestKey);
            return null;
        }
    }

    /// <summary>Why a cached dataset cannot be trusted (a shard missing, or not the bytes the manifest hashed), or null when every shard is intact.</summary>
    private async Task<string?> FirstDamagedShardAsync(DatasetManifest manifest, CancellationToken cancellationToken)
    {
        foreach (var shard in manifest.Splits.Values.SelectMany(split => split.Shards))
        {
            if (!await store.ExistsAsync(shard.Key, cancellationToken))
                return $"{shard.Key} is missing";
            await using var content = await store.OpenReadAsync(shard.Key, cancellationToken);
            var sha256 = Convert.ToHexStringLower(await SHA256.HashDataAsync(content, cancellationToken));
            if (sha256 != shard.Sha256)
                return $"{shard.Key} has sha256 {sha256}, the manifest says {shard.Sha256}";
        }
        return null;
    }

    /// <summary>
    /// Decodes every candidate image on all cores into its slot of the spill file, except those already refused; returns
    /// each image's problem (null = usable).
    /// </summary>
    private async Task<ImageProblem?[]> DecodeAllAsync(IDatasetSource source, DatasetListing listing, IReadOnlyDictionary<int, ImageProblem> refused,
        ImageLoader loader, PixelSpill pixels, IProgress<PreprocessingProgress>? progress, CancellationToken cancellationToken)
    {
        var total = listing.Files.Count;
        var problems = new ImageProblem?[total];
        var processed = 0;
        var parallel = new ParallelOptions
        {
            CancellationToken = cancellationToken,
            MaxDegreeOfParallelism = _options.MaxDegreeOfParallelism ?? Environment.ProcessorCount,
        };
        await Parallel.ForEachAsync(Enumerable.Range(0, total), parallel, async (i, token) =>
        {
            problems[i] = refused.GetValueOrDefault(i) ?? await LoadAsync(source, listing.Files[i], loader, pixels, i, token);
            var done = Interlocked.Increment(ref processed);
            if (done == (total + 1) / 2)
                Failpoints.Hit(Failpoints.PreprocessorMidDataset);
            if (done % ProgressInterval == 0 || done == total)
                progress?.Report(new PreprocessingProgress(done, total));
        });
        return problems;
    }

    /// <summary>Reads (within the size cap) and decodes one file into its spill slot; returns why it is unusable, or null.</summary>
    private async Task<ImageProblem?> LoadAsync(IDatasetSource source, DatasetFile file, ImageLoader loader, PixelSpill pixels, int slot, CancellationToken cancellationToken)
    {
        var tooLarge = new ImageProblem(QuarantineCodes.TooLarge,
            $"the file is over {Megabytes(_options.MaxFileBytes)} MiB, the size limit ({PreprocessorOptions.Section}:MaxFileBytes)");
        if (file.Size > _options.MaxFileBytes)
            return tooLarge;
        byte[] bytes;
        try
        {
            bytes = await source.ReadAsync(file, _options.MaxFileBytes, cancellationToken);
        }
        catch (InvalidDataException)
        {
            return tooLarge; // it grew past the cap after it was listed
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new ImageProblem(QuarantineCodes.Unreadable, $"the file could not be read: {e.Message}");
        }
        // Decoded pixels are large-object-heap sized: rent them instead of allocating one per image.
        var buffer = ArrayPool<byte>.Shared.Rent(loader.PixelBytes);
        var decode = Task.Run(() => loader.TryLoad(bytes, buffer, out var problem) ? null : problem, CancellationToken.None);
        try
        {
            await decode.WaitAsync(_options.DecodeTimeLimit, cancellationToken);
        }
        catch (TimeoutException)
        {
            // A decoder cannot be stopped: it is left to finish on its own, with the buffer it writes into (never returned
            // to the pool), and the run goes on without this file.
            return new ImageProblem(QuarantineCodes.Corrupt, string.Create(CultureInfo.InvariantCulture,
                $"decoding took over {_options.DecodeTimeLimit.TotalSeconds:0.###} s ({PreprocessorOptions.Section}:DecodeTimeLimit), as a crafted file can make it; replace the file"));
        }
        if (decode.Result is null)
            pixels.Write(slot, buffer);
        ArrayPool<byte>.Shared.Return(buffer);
        return decode.Result;
    }

    private static string Megabytes(long bytes) => (bytes / (1024.0 * 1024.0)).ToString("0.#", CultureInfo.InvariantCulture);

    /// <summary>Shards written at once: one is made and hashed while the store flushes another to disk.</summary>
    private const int ShardsWrittenAtOnce = 2;

    /// <summary>Writes each split as shards of up to <see cref="PreprocessorOptions.ImagesPerShard"/> images, in the given order.</summary>
    private async Task<Dictionary<string, SplitManifest>> WriteSplitsAsync(string fingerprint, IReadOnlyDictionary<string, int[]> members, DatasetListing listing,
        int imageSize, PixelSpill pixels, CancellationToken cancellationToken)
    {
        var shards = members.SelectMany(split => split.Value.Chunk(_options.ImagesPerShard).Select((images, index) => (Split: split.Key, Index: index, Images: images))).ToArray();
        var entries = new ShardEntry[shards.Length];
        await Parallel.ForEachAsync(Enumerable.Range(0, shards.Length), new ParallelOptions { MaxDegreeOfParallelism = ShardsWrittenAtOnce, CancellationToken = cancellationToken },
            async (i, token) => entries[i] = await WriteShardAsync(ObjectKeys.Shard(fingerprint, shards[i].Split, shards[i].Index), shards[i].Images, listing, imageSize, pixels, token));

        return members.ToDictionary(split => split.Key, split =>
        {
            var classCounts = new int[listing.Classes.Count];
            foreach (var image in split.Value)
                classCounts[listing.Files[image].Label]++;
            var splitShards = entries.Where((_, i) => shards[i].Split == split.Key).ToArray();
            return new SplitManifest(split.Value.Length, classCounts, splitShards, split.Value.Select(i => listing.Files[i].RelativePath).ToArray());
        });
    }

    /// <summary>Streams one shard from the spill file into the store: nothing larger than one image is held in memory.</summary>
    private async Task<ShardEntry> WriteShardAsync(string key, int[] images, DatasetListing listing, int imageSize, PixelSpill pixels, CancellationToken cancellationToken)
    {
        using var span = PipelineTelemetry.StartSpan("shard write")?.SetTag("pipeline.object_key", key).SetTag("pipeline.images", images.Length);
        await using var shard = new HashingReadStream(
            new ShardContent(imageSize, imageSize, images.Select(slot => listing.Files[slot].Label).ToArray(), (record, target) => pixels.Read(images[record], target)));
        await store.PutAsync(key, shard, cancellationToken);
        return new ShardEntry(key, images.Length, shard.BytesRead, shard.Sha256());
    }
}
