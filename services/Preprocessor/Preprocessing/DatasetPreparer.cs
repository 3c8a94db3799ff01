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
/// The Preprocessor stage: a dataset in, shards and a manifest out (under <c>prepared/&lt;fingerprint&gt;/</c>), in three
/// steps: <see cref="PlanAsync"/> lists, splits and cuts the dataset into chunks; <see cref="PrepareChunkAsync"/> decodes
/// one chunk and writes its shards (any process may take any chunk); <see cref="AssembleAsync"/> writes the manifest
/// from every chunk's result. Bad files are quarantined, never fatal; the manifest is written last, so its presence
/// means every shard is in place.
/// </summary>
public sealed class DatasetPreparer(IObjectStore store, ILogger<DatasetPreparer> logger, PreprocessorOptions? options = null)
{
    public const int ProgressInterval = 100;

    private readonly PreprocessorOptions _options = options ?? PreprocessorOptions.Default;

    /// <summary>The whole dataset in this process: planned, every chunk one after another, assembled.</summary>
    /// <exception cref="PipelineException">The folder, its classes or its images cannot make a dataset (the message says why).</exception>
    public async Task<PreparedDataset> PrepareAsync(IDatasetSource source, PreprocessingSpec preprocessing, int seed,
        IProgress<PreprocessingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var planned = await PlanAsync(source, preprocessing, seed, cancellationToken);
        return planned.Cached ?? await PrepareAsync(source, planned.Plan!, planned.ListSeconds, progress, cancellationToken);
    }

    /// <summary>Prepares every chunk of <paramref name="plan"/> here, one after another, and assembles the manifest.</summary>
    public async Task<PreparedDataset> PrepareAsync(IDatasetSource source, DatasetPlan plan, double listSeconds,
        IProgress<PreprocessingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var stopwatch = Stopwatch.StartNew();
        var chunks = new List<ChunkResult>();
        var decodeSeconds = 0.0;
        for (var chunk = 0; chunk < plan.Chunks; chunk++)
        {
            var prepared = await PrepareChunkAsync(source, plan, chunk, progress, cancellationToken);
            chunks.Add(prepared.Result);
            decodeSeconds += prepared.DecodeSeconds;
        }
        var dataset = await AssembleAsync(plan, chunks, cancellationToken);
        logger.LogInformation("Prepared dataset {Fingerprint}: {Images} images in {Seconds:F2} s ({DecodeSeconds:F2} s decoding), {Rate:F0} images/s",
            plan.Fingerprint, plan.Listing.Files.Count, stopwatch.Elapsed.TotalSeconds, decodeSeconds, plan.Listing.Files.Count / stopwatch.Elapsed.TotalSeconds);
        return dataset with { Times = new PreparationTimes(listSeconds, decodeSeconds, stopwatch.Elapsed.TotalSeconds - decodeSeconds) };
    }

    /// <summary>
    /// Lists and fingerprints the dataset; when it is prepared already, that is the answer. Otherwise decides what no
    /// chunk can decide alone, over the whole listing: duplicates and label conflicts (they need every file's hash) and
    /// the split (so that it never depends on the number of chunks).
    /// </summary>
    /// <exception cref="PipelineException">The dataset is empty, a class has too few images, or the options are wrong.</exception>
    public async Task<PlannedDataset> PlanAsync(IDatasetSource source, PreprocessingSpec preprocessing, int seed, CancellationToken cancellationToken = default)
    {
        if (preprocessing.Split.Error is { } splitError)
            throw new PipelineException($"split {splitError}.");
        if (_options.ChunkImages < 1)
            throw new PipelineException($"{PreprocessorOptions.Section}:ChunkImages must be at least 1 (it is {_options.ChunkImages}).");
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
        if (await FindPreparedAsync(fingerprint, cancellationToken) is { } cached)
        {
            logger.LogInformation("Dataset {Fingerprint} is already prepared ({Images} images); reusing {ManifestKey}", fingerprint, listing.Files.Count, cached.ManifestKey);
            return new PlannedDataset(null, cached, listSeconds);
        }

        foreach (var file in listing.Quarantine)
            logger.LogWarning("Quarantined {Path} ({Code}): {Message}", file.Path, file.Code, file.Message);
        var duplicates = DuplicateImages.Find(listing);
        var candidates = Enumerable.Range(0, listing.Files.Count).Where(i => !duplicates.LabelConflicts.ContainsKey(i)).ToArray();
        var members = listing.PreSplit
            ? DatasetSplits.All.ToDictionary(split => split, split => (IReadOnlyList<int>)candidates.Where(i => listing.Files[i].Split == split).ToArray())
            : StratifiedSplitter.Split(
                    candidates.Select(i => new LabelledImage(listing.Files[i].RelativePath, listing.Files[i].Label, listing.Files[i].Sha256)).ToArray(),
                    listing.Classes, preprocessing.Split, seed)
                .ToDictionary(split => split.Key, split => (IReadOnlyList<int>)split.Value.Select(k => candidates[k]).ToArray());
        var plan = new DatasetPlan
        {
            Fingerprint = fingerprint,
            Dataset = source.Name,
            Preprocessing = preprocessing,
            Seed = seed,
            Limits = _options.FingerprintText,
            Listing = listing,
            Refused = duplicates.LabelConflicts,
            Duplicates = duplicates.Groups,
            Members = members,
            ChunkImages = _options.ChunkImages,
        };
        logger.LogInformation("Preparing {Images} images in {Classes} classes of dataset {Dataset} as {Fingerprint}, in {Chunks} chunk(s)",
            listing.Files.Count, listing.Classes.Count, source.Name, fingerprint, plan.Chunks);
        return new PlannedDataset(plan, null, listSeconds);
    }

    /// <summary>
    /// Decodes chunk <paramref name="chunk"/> of the plan and writes its shards (numbered apart from every other chunk's);
    /// the result says which images each split got and which files were quarantined.
    /// </summary>
    /// <param name="progress">Counts over the whole listing, for chunks prepared one after another.</param>
    /// <exception cref="PipelineException">This worker's limits differ from the planner's: its shards would not match the fingerprint.</exception>
    public async Task<PreparedChunk> PrepareChunkAsync(IDatasetSource source, DatasetPlan plan, int chunk,
        IProgress<PreprocessingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        if (plan.Limits != _options.FingerprintText)
            throw new PipelineException($"This preprocessor's limits ({_options.FingerprintText}) differ from those dataset {plan.Fingerprint} was planned with " +
                                        $"({plan.Limits}): give every preprocessor the same {PreprocessorOptions.Section} settings.");
        var (first, count) = plan.ChunkFiles(chunk);
        // The parent of this chunk's decode pass and shard writes.
        using var span = PipelineTelemetry.StartSpan("preprocess chunk")?.SetTag("pipeline.chunk", chunk).SetTag("pipeline.files", count);
        var stopwatch = Stopwatch.StartNew();
        var budget = new DecodeBudget(_options.DecodeMemoryBytes);
        var loader = new ImageLoader(ImageLoadOptions.From(plan.Preprocessing, _options.MaxPixels, _options.Decoder), budget);
        using var pixels = PixelSpill.Create(_options.WorkDirectory, loader.PixelBytes, plan.Fingerprint);
        var problems = await DecodeAllAsync(source, plan, first, count, loader, pixels, progress, cancellationToken);
        var decodeSeconds = stopwatch.Elapsed.TotalSeconds;

        var quarantine = Enumerable.Range(0, count).Where(slot => problems[slot] is not null)
            .Select(slot => new QuarantinedFile(plan.Listing.Files[first + slot].RelativePath, problems[slot]!.Code, problems[slot]!.Message))
            .ToArray();
        foreach (var file in quarantine)
            logger.LogWarning("Quarantined {Path} ({Code}): {Message}", file.Path, file.Code, file.Message);
        PipelineMetrics.Decoded(count - quarantine.Length, quarantine.Length, TimeSpan.FromSeconds(decodeSeconds))?.Dispose();
        span?.SetTag("pipeline.images", count - quarantine.Length).SetTag("pipeline.quarantined", quarantine.Length);

        var members = plan.Members.ToDictionary(split => split.Key,
            split => split.Value.Where(i => i >= first && i < first + count && problems[i - first] is null).ToArray());
        var shardsPerChunk = (plan.ChunkImages + _options.ImagesPerShard - 1) / _options.ImagesPerShard;
        var splits = await WriteSplitsAsync(plan, members, first, chunk * shardsPerChunk, pixels, cancellationToken);
        logger.LogInformation("Chunk {Chunk} of dataset {Fingerprint}: {Usable} images ({Quarantined} quarantined) in {Seconds:F2} s ({DecodeSeconds:F2} s decoding), decodes claimed at most {PeakMegabytes} MiB at once",
            chunk, plan.Fingerprint, count - quarantine.Length, quarantine.Length, stopwatch.Elapsed.TotalSeconds, decodeSeconds, Megabytes(budget.Peak));
        return new PreparedChunk(new ChunkResult { Fingerprint = plan.Fingerprint, Chunk = chunk, Splits = splits, Quarantine = quarantine }, decodeSeconds);
    }

    /// <summary>Writes the manifest of a planned dataset from the results of all its chunks, in chunk order.</summary>
    /// <exception cref="PipelineException">Too few images were usable (none at all, a class under the minimum, an empty pre-made split).</exception>
    public async Task<PreparedDataset> AssembleAsync(DatasetPlan plan, IReadOnlyList<ChunkResult> chunks, CancellationToken cancellationToken = default)
    {
        var listing = plan.Listing;
        var quarantine = listing.Quarantine.Concat(chunks.SelectMany(chunk => chunk.Quarantine)).ToArray();
        if (chunks.Sum(chunk => chunk.Usable) == 0)
            throw new PipelineException(
                $"None of the {listing.Files.Count} image files in dataset '{plan.Dataset}' could be read; " +
                $"for example '{quarantine[0].Path}': {quarantine[0].Message}.");
        var splits = DatasetSplits.All.ToDictionary(split => split, split => Concatenate(chunks.Select(chunk => chunk.Splits[split]).ToArray(), listing.Classes.Count));
        if (listing.PreSplit && splits.FirstOrDefault(split => split.Value.Count == 0) is { Key: { } empty })
            throw new PipelineException($"Dataset '{plan.Dataset}' comes split, but its {empty}/ folder holds no usable image: add images to {empty}/<class>/, " +
                "or put the class folders at the top to let the pipeline split.");
        if (!listing.PreSplit)
            StratifiedSplitter.RequireEnoughImages(listing.Classes,
                Enumerable.Range(0, listing.Classes.Count).Select(label => splits.Values.Sum(split => split.ClassCounts[label])).ToArray());

        var manifest = new DatasetManifest
        {
            Fingerprint = plan.Fingerprint,
            Source = plan.Dataset,
            ImageWidth = plan.Preprocessing.ImageSize,
            ImageHeight = plan.Preprocessing.ImageSize,
            Classes = listing.Classes,
            Seed = plan.Seed,
            Preprocessing = plan.Preprocessing,
            Splits = splits,
            Quarantine = quarantine,
            Duplicates = plan.Duplicates,
            PreSplit = listing.PreSplit,
            Skipped = listing.Skipped,
        };
        var manifestKey = ObjectKeys.Manifest(plan.Fingerprint);
        await store.PutJsonAsync(manifestKey, manifest, cancellationToken);
        logger.LogInformation("Assembled dataset {Fingerprint} from {Chunks} chunk(s): {Usable} images, {Quarantined} quarantined",
            plan.Fingerprint, chunks.Count, splits.Values.Sum(split => split.Count), quarantine.Length);
        return new PreparedDataset(manifest, manifestKey, FromCache: false);
    }

    /// <summary>One split over all chunks: their images, class counts and shards one after another.</summary>
    private static SplitManifest Concatenate(IReadOnlyList<SplitManifest> parts, int classes) => new(
        parts.Sum(part => part.Count),
        Enumerable.Range(0, classes).Select(label => parts.Sum(part => part.ClassCounts[label])).ToArray(),
        parts.SelectMany(part => part.Shards).ToArray(),
        parts.SelectMany(part => part.Files).ToArray());

    /// <summary>The dataset prepared under <paramref name="fingerprint"/>, when its manifest is there and every shard intact; else null.</summary>
    public async Task<PreparedDataset?> FindPreparedAsync(string fingerprint, CancellationToken cancellationToken = default)
    {
        var manifestKey = ObjectKeys.Manifest(fingerprint);
        return await TryLoadCachedAsync(manifestKey, cancellationToken) is { } cached ? new PreparedDataset(cached, manifestKey, FromCache: true) : null;
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
    /// Decodes the chunk's files on all cores, each into its slot of the spill file (slot = index - <paramref name="first"/>),
    /// except those refused by the plan; returns each file's problem (null = usable).
    /// </summary>
    private async Task<ImageProblem?[]> DecodeAllAsync(IDatasetSource source, DatasetPlan plan, int first, int count,
        ImageLoader loader, PixelSpill pixels, IProgress<PreprocessingProgress>? progress, CancellationToken cancellationToken)
    {
        var total = plan.Listing.Files.Count;
        var problems = new ImageProblem?[count];
        var processed = 0;
        var parallel = new ParallelOptions
        {
            CancellationToken = cancellationToken,
            MaxDegreeOfParallelism = _options.MaxDegreeOfParallelism ?? Environment.ProcessorCount,
        };
        await Parallel.ForEachAsync(Enumerable.Range(0, count), parallel, async (slot, token) =>
        {
            problems[slot] = plan.Refused.GetValueOrDefault(first + slot) ?? await LoadAsync(source, plan.Listing.Files[first + slot], loader, pixels, slot, token);
            var done = Interlocked.Increment(ref processed);
            if (done == (count + 1) / 2)
                Failpoints.Hit(Failpoints.PreprocessorMidDataset);
            if ((first + done) % ProgressInterval == 0 || first + done == total)
                progress?.Report(new PreprocessingProgress(first + done, total));
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

    /// <summary>
    /// Writes each split's images of one chunk as shards of up to <see cref="PreprocessorOptions.ImagesPerShard"/> images,
    /// in the plan's order, numbered from <paramref name="firstShard"/>.
    /// </summary>
    /// <param name="members">Each split's images of this chunk, as indices into the listing's files.</param>
    /// <param name="first">The listing index of the chunk's first file (spill slot 0).</param>
    private async Task<Dictionary<string, SplitManifest>> WriteSplitsAsync(DatasetPlan plan, IReadOnlyDictionary<string, int[]> members, int first, int firstShard,
        PixelSpill pixels, CancellationToken cancellationToken)
    {
        var listing = plan.Listing;
        var shards = members.SelectMany(split => split.Value.Chunk(_options.ImagesPerShard).Select((images, index) => (Split: split.Key, Index: firstShard + index, Images: images))).ToArray();
        var entries = new ShardEntry[shards.Length];
        await Parallel.ForEachAsync(Enumerable.Range(0, shards.Length), new ParallelOptions { MaxDegreeOfParallelism = ShardsWrittenAtOnce, CancellationToken = cancellationToken },
            async (i, token) => entries[i] = await WriteShardAsync(ObjectKeys.Shard(plan.Fingerprint, shards[i].Split, shards[i].Index), shards[i].Images, first, listing,
                plan.Preprocessing.ImageSize, pixels, token));

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
    private async Task<ShardEntry> WriteShardAsync(string key, int[] images, int first, DatasetListing listing, int imageSize, PixelSpill pixels, CancellationToken cancellationToken)
    {
        using var span = PipelineTelemetry.StartSpan("shard write")?.SetTag("pipeline.object_key", key).SetTag("pipeline.images", images.Length);
        await using var shard = new HashingReadStream(
            new ShardContent(imageSize, imageSize, images.Select(image => listing.Files[image].Label).ToArray(), (record, target) => pixels.Read(images[record] - first, target)));
        await store.PutAsync(key, shard, cancellationToken);
        return new ShardEntry(key, images.Length, shard.BytesRead, shard.Sha256());
    }
}
