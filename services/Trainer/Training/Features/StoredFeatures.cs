using Pipeline.Datasets;
using Pipeline.Datasets.Streaming;
using Pipeline.Storage;

namespace Pipeline.Trainer.Training.Features;

/// <summary>A split's cached features in the store, read a window of chunks at a time like the shards they came from.</summary>
public sealed class StoredFeatures(IObjectStore store, FeatureKey key, FeatureIndex index, int window = StreamPlan.DefaultWindow)
{
    public FeatureIndex Index => index;
    public int Views => index.Views;

    /// <summary>Images (not views).</summary>
    public int Count => index.Count;

    /// <param name="shuffle">The pass's random stream; null reads in stored order. The same plan as the split's shards with the same stream.</param>
    public IEnumerable<IReadOnlyList<ChunkItem<FeatureChunk>>> Batches(int batchSize, Random? shuffle, CancellationToken cancellationToken) =>
        ChunkStream.Batches(StreamPlan.For(index.Chunks.Select(chunk => chunk.Count).ToList(), window, shuffle), LoadAsync, batchSize, cancellationToken);

    private async Task<FeatureChunk> LoadAsync(int chunk, CancellationToken cancellationToken)
    {
        var entry = index.Chunks[chunk];
        var features = FeatureChunk.Read(await store.GetVerifiedBytesAsync(entry, "Cached feature chunk", "its index", cancellationToken), key);
        if (features.Count != entry.Count)
            throw new InvalidDataException($"Cached feature chunk '{entry.Key}' holds {features.Count} images; its index says {entry.Count}.");
        return features;
    }
}
