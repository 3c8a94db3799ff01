using Pipeline.Contracts;
using Pipeline.Datasets;
using Pipeline.Datasets.Streaming;
using Pipeline.Shards;
using Pipeline.Storage;
using Pipeline.Testing;

namespace Pipeline.Tests.Datasets;

/// <summary>Streaming a split shard by shard: order per (seed, epoch), each image once, bounded read-ahead, checked shards.</summary>
public sealed class SplitStreamTests : IDisposable
{
    private const int Width = 4, Height = 3, Window = 2, BatchSize = 4;
    /// <summary>Seven shards of five images (the last of two): more than three windows.</summary>
    private static readonly int[] ShardSizes = [5, 5, 5, 5, 5, 5, 2];
    private readonly TempDirectory _folder = new();
    private readonly FileSystemObjectStore _store;

    public SplitStreamTests() => _store = new FileSystemObjectStore(_folder.Path);

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_split_bigger_than_the_window_streams_every_image_once_in_the_same_order_for_the_same_epoch_and_another_order_next_epoch()
    {
        var stream = new SplitStream(_store, await WriteSplitAsync(), DatasetSplits.Train, Window);

        var epoch1 = Images(stream, Epoch(1));
        var epoch2 = Images(stream, Epoch(2));

        Assert.Equal(Enumerable.Range(0, ShardSizes.Sum()), epoch1.Order());
        Assert.Equal(Enumerable.Range(0, ShardSizes.Sum()), epoch2.Order());
        Assert.Equal(epoch1, Images(stream, Epoch(1)));
        Assert.NotEqual(epoch1, epoch2);
        Assert.NotEqual(epoch1.Order(), epoch1);
        Assert.Equal(Enumerable.Range(0, ShardSizes.Sum()), Images(stream, shuffle: null));
    }

    [Fact]
    public void A_window_holds_few_chunks_and_the_next_chunk_is_read_ahead_while_the_current_one_is_used()
    {
        var plan = StreamPlan.For(ShardSizes, Window, Epoch(3));
        var loaded = 0;
        var handedOut = 0;
        var windowEnds = plan.Select(window => window.Items.Count).Aggregate(new List<int>(), (ends, count) => [.. ends, (ends.LastOrDefault()) + count]);
        Task<int> Load(int chunk, CancellationToken _)
        {
            Interlocked.Increment(ref loaded);
            return Task.FromResult(chunk);
        }

        foreach (var batch in ChunkStream.Batches(plan, Load, BatchSize, CancellationToken.None))
        {
            handedOut += batch.Count;
            // The windows the items handed out so far came from, plus one chunk read ahead: never the whole split.
            var windowsOpen = windowEnds.Count(end => end < handedOut) + 1;
            var chunksOpen = plan.Take(windowsOpen).Sum(window => window.Chunks.Count);
            Thread.Sleep(5);
            Assert.InRange(Volatile.Read(ref loaded), 1, chunksOpen + 1);
        }
        Assert.Equal(ShardSizes.Length, loaded);
        Assert.All(plan, window => Assert.InRange(window.Chunks.Count, 1, Window));
    }

    [Fact]
    public async Task A_corrupt_shard_fails_the_stream_saying_which_shard_and_why()
    {
        var manifest = await WriteSplitAsync();
        var victim = manifest[DatasetSplits.Train].Shards[3];
        var bytes = await File.ReadAllBytesAsync(_store.PathOf(victim.Key));
        bytes[^1] ^= 0xFF;
        await File.WriteAllBytesAsync(_store.PathOf(victim.Key), bytes);

        var stream = new SplitStream(_store, manifest, DatasetSplits.Train, Window);
        var error = Assert.Throws<InvalidDataException>(() => Images(stream, Epoch(1)));

        Assert.Contains($"Shard '{victim.Key}' is corrupt: its sha256 is", error.Message);
        Assert.Contains($"the manifest says {victim.Sha256}", error.Message);
    }

    private static Random Epoch(int epoch) => new(unchecked(7 * 1_000_003 + epoch));

    /// <summary>The images in the order streamed, each named by its label (its position in the split), checked against its pixels.</summary>
    private static List<int> Images(SplitStream stream, Random? shuffle) =>
        stream.Batches(BatchSize, shuffle, CancellationToken.None).SelectMany(batch =>
        {
            Assert.InRange(batch.Count, 1, BatchSize);
            return batch.Select(item =>
            {
                var label = item.Chunk.Label(item.Index);
                Assert.Equal(Pixels(label), item.Chunk.Image(item.Index).ToArray());
                return label;
            });
        }).ToList();

    private static byte[] Pixels(int image) => Enumerable.Range(0, ShardFormat.PixelCount(Width, Height)).Select(i => (byte)(image * 31 + i)).ToArray();

    /// <summary>Shards of <see cref="ShardSizes"/> images whose labels number them 0, 1, 2... in stored order.</summary>
    private async Task<DatasetManifest> WriteSplitAsync()
    {
        var shards = new List<ShardEntry>();
        var image = 0;
        foreach (var (size, index) in ShardSizes.Select((size, index) => (size, index)))
        {
            var first = image;
            await using var content = new HashingReadStream(new ShardContent(Width, Height, Enumerable.Range(first, size).ToArray(), (i, pixels) => Pixels(first + i).CopyTo(pixels)));
            var key = ObjectKeys.Shard("streamed", DatasetSplits.Train, index);
            await _store.PutAsync(key, content);
            shards.Add(new ShardEntry(key, size, content.BytesRead, content.Sha256()));
            image += size;
        }
        return new DatasetManifest
        {
            Fingerprint = "streamed",
            Source = "streamed",
            ImageWidth = Width,
            ImageHeight = Height,
            Classes = ["a", "b"],
            Seed = 1,
            Preprocessing = new PreprocessingSpec(),
            Splits = new Dictionary<string, SplitManifest>
            {
                [DatasetSplits.Train] = new(image, [image], shards, Enumerable.Range(0, image).Select(i => $"a/{i}.png").ToList()),
            },
            Quarantine = [],
            Skipped = new SkippedFiles(0, 0),
        };
    }
}
