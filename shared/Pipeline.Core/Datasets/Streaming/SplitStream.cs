using Pipeline.Storage;

namespace Pipeline.Datasets.Streaming;

/// <summary>
/// A split's images read shard by shard, each shard checked against the manifest as it is loaded: what training,
/// feature extraction and evaluation read instead of holding the split in memory (<see cref="ChunkStream"/>).
/// </summary>
public sealed class SplitStream(IObjectStore store, DatasetManifest manifest, string split, int window = StreamPlan.DefaultWindow)
{
    private readonly SplitManifest _entry = manifest[split];

    public int Count => _entry.Count;
    public IReadOnlyList<int> ShardSizes => _entry.Shards.Select(shard => shard.Count).ToList();

    /// <param name="shuffle">The pass's random stream (shard order and shuffling within a window); null reads in stored order.</param>
    public IEnumerable<IReadOnlyList<ChunkItem<ShardImages>>> Batches(int batchSize, Random? shuffle, CancellationToken cancellationToken) =>
        ChunkStream.Batches(StreamPlan.For(ShardSizes, window, shuffle),
            (shard, token) => ShardImages.LoadAsync(store, _entry.Shards[shard], token), batchSize, cancellationToken);
}
