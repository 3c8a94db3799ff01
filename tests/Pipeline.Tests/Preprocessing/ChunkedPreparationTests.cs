using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Contracts;
using Pipeline.Datasets;
using Pipeline.Preprocessor.Preprocessing;
using Pipeline.Storage;

namespace Pipeline.Tests.Preprocessing;

/// <summary>A dataset prepared in chunks: the same dataset as one prepared whole, whatever the chunk size.</summary>
public sealed class ChunkedPreparationTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly string _data;

    public ChunkedPreparationTests()
    {
        _data = _temp.Combine("data");
        for (var i = 0; i < 9; i++)
        {
            TestImageFiles.Save(TestImageFiles.Noise(30 + i, 20, seed: i), Path.Combine(_data, "noise", $"{i}.png"));
            TestImageFiles.Solid(Path.Combine(_data, "red", $"{i}.png"), 20 + i, 24, TestImageFiles.Red);
        }
        // One file that decodes to nothing, and one image under two classes: quarantined in whichever chunk they fall.
        TestImageFiles.Bytes(Path.Combine(_data, "red", "broken.png"), "not a png"u8.ToArray());
        File.Copy(Path.Combine(_data, "noise", "3.png"), Path.Combine(_data, "red", "stray-noise.png"));
    }

    public void Dispose() => _temp.Dispose();

    private DatasetPreparer Preparer(string store, int chunkImages, int maxPixels = 50_000_000) =>
        new(new FileSystemObjectStore(_temp.Combine(store)), NullLogger<DatasetPreparer>.Instance,
            new PreprocessorOptions { ChunkImages = chunkImages, MaxPixels = maxPixels, WorkDirectory = _temp.Combine("work") });

    [Fact]
    public async Task Splits_quarantine_and_pixels_are_the_same_whether_the_dataset_is_one_chunk_or_seven()
    {
        var source = new LocalImageFolder("mixed", _data);
        var whole = await Preparer("whole", chunkImages: 10_000).PrepareAsync(source, new PreprocessingSpec { ImageSize = 16 }, seed: 5);
        var chunked = Preparer("chunked", chunkImages: 3);
        var planned = await chunked.PlanAsync(source, new PreprocessingSpec { ImageSize = 16 }, seed: 5);
        var inChunks = await chunked.PrepareAsync(source, planned.Plan!, planned.ListSeconds);

        Assert.Equal(7, planned.Plan!.Chunks);
        Assert.Equal(whole.Manifest.Fingerprint, inChunks.Manifest.Fingerprint);
        Assert.Equal(whole.Manifest.Quarantine, inChunks.Manifest.Quarantine);
        Assert.Equal([QuarantineCodes.LabelConflict, QuarantineCodes.NotAnImage], inChunks.Manifest.Quarantine.Select(q => q.Code).Order());
        foreach (var split in DatasetSplits.All)
        {
            var (one, seven) = (whole.Manifest[split], inChunks.Manifest[split]);
            Assert.Equal(one.Files.Order(StringComparer.Ordinal), seven.Files.Order(StringComparer.Ordinal));
            Assert.Equal(one.ClassCounts, seven.ClassCounts);
            Assert.Equal(await PixelsByFileAsync("whole", one), await PixelsByFileAsync("chunked", seven));
        }
        // Every usable image once, and shards of different chunks never share a key.
        var files = inChunks.Manifest.Splits.Values.SelectMany(split => split.Files).ToList();
        Assert.Equal(18, files.Count);
        Assert.Equal(files.Count, files.Distinct().Count());
        var keys = inChunks.Manifest.Splits.Values.SelectMany(split => split.Shards).Select(shard => shard.Key).ToList();
        Assert.Equal(keys.Count, keys.Distinct().Count());
        Assert.True(keys.Count > 3, $"{keys.Count} shards: the chunks did not write their own");
    }

    [Fact]
    public async Task A_worker_whose_limits_differ_from_the_planners_refuses_the_chunk_and_says_what_to_align()
    {
        var source = new LocalImageFolder("mixed", _data);
        var plan = (await Preparer("store", chunkImages: 5).PlanAsync(source, new PreprocessingSpec { ImageSize = 16 }, seed: 5)).Plan!;

        var refused = await Assert.ThrowsAsync<PipelineException>(() => Preparer("store", chunkImages: 5, maxPixels: 1_000).PrepareChunkAsync(source, plan, chunk: 1));

        Assert.Contains("give every preprocessor the same Pipeline:Preprocessor settings", refused.Message);
        Assert.Contains("maxPixels=1000", refused.Message);
    }

    /// <summary>Each image of the split by its path, as the hex of its pixels.</summary>
    private async Task<Dictionary<string, string>> PixelsByFileAsync(string store, SplitManifest split)
    {
        var objects = new FileSystemObjectStore(_temp.Combine(store));
        var pixels = new Dictionary<string, string>();
        var file = 0;
        foreach (var entry in split.Shards)
        {
            var shard = await ShardImages.LoadAsync(objects, entry, CancellationToken.None);
            for (var i = 0; i < shard.Count; i++)
                pixels[split.Files[file++]] = Convert.ToHexString(shard.Image(i));
        }
        return pixels;
    }
}
