using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Datasets;
using Pipeline.Preprocessor.Preprocessing;
using Pipeline.Contracts;
using Pipeline.Runs;
using Pipeline.Storage;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;

namespace Pipeline.Tests.Preprocessing;

public sealed class DatasetPreparerTests : IDisposable
{
    private const int Size = 224;
    private readonly TempDirectory _temp = new();
    private readonly RecordingStore _store;
    private readonly string _data;

    /// <summary>Expected colour of every usable image of the mixed dataset, with the tolerance its encoding allows.</summary>
    private readonly Dictionary<string, (Rgb24 Colour, int Tolerance)> _expected = new();

    public DatasetPreparerTests()
    {
        _store = new RecordingStore(new FileSystemObjectStore(_temp.Combine("store")));
        _data = _temp.Combine("data");
    }

    public void Dispose() => _temp.Dispose();

    private Task<PreparedDataset> PrepareAsync(PreprocessorOptions? options = null, int seed = 42, PreprocessingSpec? preprocessing = null,
        IProgress<PreprocessingProgress>? progress = null, CancellationToken cancellationToken = default) =>
        new DatasetPreparer(_store, NullLogger<DatasetPreparer>.Instance, options ?? new PreprocessorOptions { WorkDirectory = _temp.Combine("work") })
            .PrepareAsync(new LocalImageFolder("test-data", _data), preprocessing ?? new PreprocessingSpec(), seed, progress, cancellationToken);

    private string Expect(string relative, Rgb24 colour, int tolerance)
    {
        _expected[relative] = (colour, tolerance);
        return Path.Combine(_data, relative);
    }

    /// <summary>Three classes in every pixel mode and format at hand, plus the files that must be skipped or quarantined.</summary>
    private void WriteMixedDataset()
    {
        var sizes = new[] { (300, 200), (200, 300), (224, 224), (50, 40), (1000, 10) };
        for (var i = 0; i < sizes.Length; i++)
            TestImageFiles.Solid(Expect($"apple/red{i}.png", TestImageFiles.Red, 1), sizes[i].Item1, sizes[i].Item2, TestImageFiles.Red);
        TestImageFiles.Solid(Expect("apple/deep/er/red-nested.png", TestImageFiles.Red, 1), 64, 64, TestImageFiles.Red);
        TestImageFiles.Solid(Path.Combine(_data, "apple/.hidden.png"), 8, 8, TestImageFiles.Red);
        TestImageFiles.Solid(Path.Combine(_data, "apple/.thumbnails/t.png"), 8, 8, TestImageFiles.Red);
        TestImageFiles.Bytes(Path.Combine(_data, "apple/notes.txt"), "picked in autumn"u8.ToArray());

        TestImageFiles.Solid(Expect("banana/grey.png", new Rgb24(128, 128, 128), 1), 120, 80, new L8(128));
        // 100/255 opaque yellow over the default white background.
        TestImageFiles.Solid(Expect("banana/alpha.png", new Rgb24(255, 255, 155), 1), 90, 90, new Rgba32(255, 255, 0, 100));
        TestImageFiles.Solid16BitPng(Expect("banana/deep-colour.png", new Rgb24(0, 0, 255), 1), 70, 50, new Rgb48(0, 0, ushort.MaxValue));
        TestImageFiles.Bytes(Expect("banana/cmyk.jpg", new Rgb24(0, 200, 0), 12), TestImageFiles.CmykJpeg);
        TestImageFiles.Solid(Expect("banana/paletted.gif", new Rgb24(255, 255, 0), 1), 33, 77, new Rgb24(255, 255, 0));
        TestImageFiles.Solid(Expect("banana/bitmap.BMP", new Rgb24(10, 20, 30), 1), 40, 40, new Rgb24(10, 20, 30));
        TestImageFiles.RotatedJpeg(Path.Combine(_data, "banana/rotated.jpg"));
        var valid = TestImageFiles.Solid(Path.Combine(_data, "banana/truncated.png"), 50, 50, TestImageFiles.Red);
        File.WriteAllBytes(valid, File.ReadAllBytes(valid)[..60]);
        TestImageFiles.Bytes(Path.Combine(_data, "banana/empty.png"), []);
        TestImageFiles.Bytes(Path.Combine(_data, "banana/actually-text.jpg"), "this is not a picture"u8.ToArray());

        for (var i = 0; i < 5; i++)
            TestImageFiles.Solid(Expect($"cherry/c{i}.jpg", new Rgb24(150, 0, 30), 12), 100 + 50 * i, 150, new Rgb24(150, 0, 30));

        TestImageFiles.Bytes(Path.Combine(_data, "README.txt"), "about this data"u8.ToArray());
        TestImageFiles.Bytes(Path.Combine(_data, ".DS_Store"), [0, 0, 0, 1]);
    }

    /// <summary>Images of one colour, each a different size so that no two files are identical.</summary>
    private void WriteSolidClass(string name, int count, Rgb24 colour)
    {
        for (var i = 0; i < count; i++)
            TestImageFiles.Solid(Path.Combine(_data, name, $"{i}.png"), 32 + i, 32, colour);
    }

    [Fact]
    public async Task A_mixed_folder_is_prepared_with_bad_files_quarantined_and_pixels_in_canonical_RGB()
    {
        WriteMixedDataset();
        var progress = new RecordingProgress();

        var prepared = await PrepareAsync(new PreprocessorOptions { WorkDirectory = _temp.Combine("work"), ImagesPerShard = 4 }, progress: progress);
        var manifest = prepared.Manifest;

        Assert.False(prepared.FromCache);
        Assert.Equal(ObjectKeys.Manifest(manifest.Fingerprint), prepared.ManifestKey);
        Assert.Equal(["apple", "banana", "cherry"], manifest.Classes);
        Assert.Equal((Size, Size), (manifest.ImageWidth, manifest.ImageHeight));
        Assert.Equal(new SkippedFiles(Hidden: 3, NotImages: 2), manifest.Skipped);

        var codes = manifest.Quarantine.ToDictionary(q => q.Path, q => q.Code);
        Assert.Equal(new Dictionary<string, string>
        {
            ["banana/actually-text.jpg"] = QuarantineCodes.NotAnImage,
            ["banana/empty.png"] = QuarantineCodes.Truncated,
            ["banana/truncated.png"] = QuarantineCodes.Truncated,
        }, codes);
        Assert.Contains("empty", manifest.Quarantine.Single(q => q.Path == "banana/empty.png").Message);

        Assert.Equal(_expected.Count + 1, DatasetSplits.All.Sum(split => manifest[split].Count));
        foreach (var split in DatasetSplits.All)
        {
            Assert.All(manifest[split].ClassCounts, count => Assert.True(count >= 1));
            Assert.All(manifest[split].Shards, shard => Assert.InRange(shard.Count, 1, 4));
            var images = await SplitImages.LoadAsync(_store, manifest, split);
            for (var i = 0; i < images.Count; i++)
            {
                var file = manifest[split].Files[i];
                Assert.Equal(manifest.Classes.ToList().IndexOf(file.Split('/')[0]), images.Labels[i]);
                if (file == "banana/rotated.jpg")
                    PreparedPixels.AssertUpright(images.Image(i), Size);
                else
                    PreparedPixels.AssertSolid(file, images.Image(i), _expected[file]);
            }
        }

        Assert.Equal(new PreprocessingProgress(18 + 3, 18 + 3), progress.Reports.Last());
        Assert.Equal(ObjectKeys.Manifest(manifest.Fingerprint), _store.Puts.Last());
        Assert.True(_store.Puts.Count > 4);
    }

    [Fact]
    public async Task The_second_call_with_the_same_inputs_comes_from_the_cache()
    {
        WriteSolidClass("a", 6, TestImageFiles.Red);
        WriteSolidClass("b", 6, TestImageFiles.Blue);
        var first = await PrepareAsync();
        var putsAfterFirst = _store.Puts.Count;

        var second = await PrepareAsync();

        Assert.True(second.FromCache);
        Assert.Equal(first.ManifestKey, second.ManifestKey);
        Assert.Equal(first.Manifest.CreatedAt, second.Manifest.CreatedAt);
        Assert.Equal(first.Manifest[DatasetSplits.Train].Files, second.Manifest[DatasetSplits.Train].Files);
        Assert.Equal(putsAfterFirst, _store.Puts.Count);
    }

    [Fact]
    public async Task A_changed_file_seed_or_split_gives_a_new_fingerprint()
    {
        WriteSolidClass("a", 6, TestImageFiles.Red);
        WriteSolidClass("b", 6, TestImageFiles.Blue);
        var original = (await PrepareAsync()).Manifest.Fingerprint;

        var otherSeed = (await PrepareAsync(seed: 7)).Manifest.Fingerprint;
        var otherSplit = (await PrepareAsync(preprocessing: new PreprocessingSpec { Split = new SplitRatios(60, 20, 20) })).Manifest.Fingerprint;
        // a/0.png edited as `cp -p` or `rsync -t` would leave it: another content, the same size and time.
        var path = Path.Combine(_data, "a", "0.png");
        var stamp = (Size: new FileInfo(path).Length, Time: File.GetLastWriteTimeUtc(path));
        var bytes = File.ReadAllBytes(path);
        bytes[^13] ^= 1; // in the IEND CRC: a different file, decodable or not, of the same size
        File.WriteAllBytes(path, bytes);
        File.SetLastWriteTimeUtc(path, stamp.Time);
        Assert.Equal(stamp, (new FileInfo(path).Length, File.GetLastWriteTimeUtc(path)));
        var changed = await PrepareAsync();

        Assert.Equal(4, new[] { original, otherSeed, otherSplit, changed.Manifest.Fingerprint }.Distinct().Count());
        Assert.False(changed.FromCache);
    }

    [Theory]
    [InlineData("deleted")]
    [InlineData("corrupted")]
    public async Task A_damaged_shard_in_the_cache_makes_the_next_run_prepare_again(string damage)
    {
        WriteSolidClass("a", 6, TestImageFiles.Red);
        WriteSolidClass("b", 6, TestImageFiles.Blue);
        var first = await PrepareAsync();
        var shard = _temp.Combine("store", first.Manifest[DatasetSplits.Test].Shards[0].Key);
        Assert.True(File.Exists(shard), shard);
        if (damage == "deleted")
            File.Delete(shard);
        else
        {
            var bytes = File.ReadAllBytes(shard);
            bytes[^1] ^= 0xFF;
            File.WriteAllBytes(shard, bytes);
        }

        var second = await PrepareAsync();

        Assert.False(second.FromCache);
        Assert.Equal(first.ManifestKey, second.ManifestKey);
        Assert.Equal(first.Manifest[DatasetSplits.Test].Count, (await SplitImages.LoadAsync(_store, second.Manifest, DatasetSplits.Test)).Count);
        Assert.True((await PrepareAsync()).FromCache);
    }

    [Fact]
    public async Task Touching_files_without_changing_them_keeps_the_cache()
    {
        WriteSolidClass("a", 6, TestImageFiles.Red);
        WriteSolidClass("b", 6, TestImageFiles.Blue);
        var original = await PrepareAsync();

        File.SetLastWriteTimeUtc(Path.Combine(_data, "a", "0.png"), new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        var touched = await PrepareAsync();

        Assert.Equal(original.Manifest.Fingerprint, touched.Manifest.Fingerprint);
        Assert.True(touched.FromCache);
    }

    [Fact]
    public async Task Large_splits_are_cut_into_shards_in_record_order()
    {
        WriteSolidClass("a", 20, TestImageFiles.Red);
        WriteSolidClass("b", 20, TestImageFiles.Blue);

        var manifest = (await PrepareAsync(new PreprocessorOptions { WorkDirectory = _temp.Combine("work"), ImagesPerShard = 8 })).Manifest;
        var train = manifest[DatasetSplits.Train];

        Assert.Equal(28, train.Count);
        Assert.Equal([8, 8, 8, 4], train.Shards.Select(s => s.Count));
        Assert.Equal(Enumerable.Range(0, 4).Select(i => ObjectKeys.Shard(manifest.Fingerprint, DatasetSplits.Train, i)), train.Shards.Select(s => s.Key));
        Assert.Equal([14, 14], train.ClassCounts);
        var images = await SplitImages.LoadAsync(_store, manifest, DatasetSplits.Train);
        Assert.Equal(train.Files.Select(f => f.StartsWith("a/") ? 0 : 1), images.Labels);
        Assert.Empty(Directory.EnumerateFiles(_temp.Combine("work")));
    }

    [Fact]
    public async Task The_pixel_spill_file_has_no_name_while_in_use_so_a_crash_cannot_leave_it_behind()
    {
        WriteSolidClass("a", 100, TestImageFiles.Red);
        WriteSolidClass("b", 5, TestImageFiles.Blue);
        var work = _temp.Combine("work");
        var seenMidway = new ConcurrentQueue<string[]>();

        await PrepareAsync(progress: new CallbackProgress(_ => seenMidway.Enqueue(Directory.GetFileSystemEntries(work))));

        Assert.NotEmpty(seenMidway); // the 100th image reported while the spill held pixels
        Assert.All(seenMidway, Assert.Empty);
    }

    [Fact]
    public async Task An_identical_file_under_two_classes_is_a_label_conflict_and_copies_within_a_class_share_a_split()
    {
        WriteSolidClass("a", 10, TestImageFiles.Red);
        WriteSolidClass("b", 10, TestImageFiles.Blue);
        File.Copy(Path.Combine(_data, "a", "0.png"), Path.Combine(_data, "b", "stray.png"));
        foreach (var copy in new[] { "copy1.png", "deeper/copy2.png" })
            TestImageFiles.Bytes(Path.Combine(_data, "a", copy), File.ReadAllBytes(Path.Combine(_data, "a", "3.png")));

        var manifest = (await PrepareAsync()).Manifest;

        var conflict = Assert.Single(manifest.Quarantine);
        Assert.Equal(("b/stray.png", QuarantineCodes.LabelConflict), (conflict.Path, conflict.Code));
        Assert.Contains("'a/0.png'", conflict.Message);
        var group = Assert.Single(manifest.Duplicates);
        Assert.Equal(["a/3.png", "a/copy1.png", "a/deeper/copy2.png"], group.Order(StringComparer.Ordinal));
        Assert.Single(DatasetSplits.All, split => group.All(manifest[split].Files.Contains));
        Assert.Equal(22, DatasetSplits.All.Sum(split => manifest[split].Count));
    }

    [Fact]
    public async Task A_class_with_fewer_than_five_usable_images_is_named()
    {
        WriteSolidClass("plenty", 8, TestImageFiles.Red);
        WriteSolidClass("scarce", 4, TestImageFiles.Blue);
        TestImageFiles.Bytes(Path.Combine(_data, "scarce", "broken.png"), [1, 2, 3]);

        var error = await Assert.ThrowsAsync<PipelineException>(() => PrepareAsync());

        Assert.Contains("'scarce' (4)", error.Message);
        Assert.DoesNotContain("plenty", error.Message);
    }

    [Fact]
    public async Task A_single_class_is_refused()
    {
        WriteSolidClass("only", 10, TestImageFiles.Red);

        var error = await Assert.ThrowsAsync<PipelineException>(() => PrepareAsync());

        Assert.Contains("1 class folder ('only')", error.Message);
        Assert.Contains("at least two", error.Message);
    }

    [Fact]
    public async Task An_empty_folder_is_refused()
    {
        Directory.CreateDirectory(_data);

        var error = await Assert.ThrowsAsync<PipelineException>(() => PrepareAsync());

        Assert.Contains("0 class folders", error.Message);
    }

    [Fact]
    public async Task A_missing_folder_is_refused()
    {
        var error = await Assert.ThrowsAsync<PipelineException>(() => PrepareAsync());

        Assert.Contains("does not exist", error.Message);
        Assert.Contains(_data, error.Message);
    }

    [Fact]
    public async Task Class_folders_without_images_are_refused()
    {
        TestImageFiles.Bytes(Path.Combine(_data, "a", "x.txt"), [1]);
        Directory.CreateDirectory(Path.Combine(_data, "b"));

        var error = await Assert.ThrowsAsync<PipelineException>(() => PrepareAsync());

        Assert.Contains("holds no image files", error.Message);
    }

    [Fact]
    public async Task A_folder_of_unreadable_images_is_refused_with_an_example()
    {
        for (var i = 0; i < 5; i++)
        {
            TestImageFiles.Bytes(Path.Combine(_data, "a", $"{i}.jpg"), [0xFF, 0xD8, 0xFF, 0xE0, .. new byte[100 + i]]);
            TestImageFiles.Bytes(Path.Combine(_data, "b", $"{i}.png"), []);
        }

        var error = await Assert.ThrowsAsync<PipelineException>(() => PrepareAsync());

        Assert.Contains("None of the 10 image files", error.Message);
        Assert.Contains("the JPEG is damaged", error.Message);
    }

    [Fact]
    public async Task Images_over_the_size_limits_are_quarantined()
    {
        WriteSolidClass("a", 5, TestImageFiles.Red);
        WriteSolidClass("b", 5, TestImageFiles.Blue);
        TestImageFiles.Solid(Path.Combine(_data, "a", "huge.png"), 400, 300, TestImageFiles.Red);
        var options = new PreprocessorOptions { WorkDirectory = _temp.Combine("work"), MaxPixels = 100_000 };

        var manifest = (await PrepareAsync(options)).Manifest;

        var quarantined = Assert.Single(manifest.Quarantine);
        Assert.Equal("a/huge.png", quarantined.Path);
        Assert.Equal(QuarantineCodes.TooManyPixels, quarantined.Code);
        Assert.Contains("400x300 pixels", quarantined.Message);
        Assert.Contains("0.1 megapixel limit", quarantined.Message);
    }

    [Fact]
    public async Task A_decode_slower_than_the_time_limit_is_quarantined_and_the_run_goes_on()
    {
        WriteSolidClass("a", 8, TestImageFiles.Red);
        WriteSolidClass("b", 8, TestImageFiles.Blue);
        // 49 megapixels (147 MB of BMP, under the pixel cap): decoding and resizing it takes well over 100 ms anywhere,
        // five times the limit (16 megapixels once came in under it); the small ones take a fraction of a millisecond.
        TestImageFiles.Solid(Path.Combine(_data, "a", "slow.bmp"), 7000, 7000, TestImageFiles.Red);

        var manifest = (await PrepareAsync(new PreprocessorOptions
        {
            WorkDirectory = _temp.Combine("work"), MaxFileBytes = 256L * 1024 * 1024, DecodeTimeLimit = TimeSpan.FromMilliseconds(20),
        })).Manifest;

        var slow = manifest.Quarantine.Single(q => q.Path == "a/slow.bmp");
        Assert.Equal(QuarantineCodes.Corrupt, slow.Code);
        Assert.Contains("decoding took over 0.02 s", slow.Message);
    }

    [Fact]
    public async Task Cancellation_stops_the_run_and_writes_no_manifest()
    {
        WriteSolidClass("a", 6, TestImageFiles.Red);
        WriteSolidClass("b", 6, TestImageFiles.Blue);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => PrepareAsync(cancellationToken: new CancellationToken(canceled: true)));

        Assert.DoesNotContain(_store.Puts, key => key.EndsWith("manifest.json"));
    }

    private sealed class CallbackProgress(Action<PreprocessingProgress> report) : IProgress<PreprocessingProgress>
    {
        public void Report(PreprocessingProgress value) => report(value);
    }

    private sealed class RecordingProgress : IProgress<PreprocessingProgress>
    {
        private readonly ConcurrentQueue<PreprocessingProgress> _reports = new();
        public IReadOnlyList<PreprocessingProgress> Reports => _reports.OrderBy(r => r.Processed).ToList();
        public void Report(PreprocessingProgress value) => _reports.Enqueue(value);
    }

    /// <summary>Remembers the order of puts, to check that the manifest comes last.</summary>
    private sealed class RecordingStore(IObjectStore inner) : IObjectStore
    {
        private readonly ConcurrentQueue<string> _puts = new();
        public IReadOnlyList<string> Puts => _puts.ToList();

        public Task PutAsync(string key, Stream content, CancellationToken cancellationToken = default)
        {
            _puts.Enqueue(key);
            return inner.PutAsync(key, content, cancellationToken);
        }

        public Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken = default) => inner.OpenReadAsync(key, cancellationToken);
        public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default) => inner.ExistsAsync(key, cancellationToken);
        public IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken cancellationToken = default) => inner.ListAsync(prefix, cancellationToken);
        public Task DeleteAsync(string key, CancellationToken cancellationToken = default) => inner.DeleteAsync(key, cancellationToken);
    }
}
