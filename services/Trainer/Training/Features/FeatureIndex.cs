using Pipeline.Datasets;

namespace Pipeline.Trainer.Training.Features;

/// <summary>
/// A complete set of cached features: the chunks (one per shard, in shard order) with their sizes and sha256. Written
/// after every chunk, with put-if-absent, so a half-written set has no index and is never used.
/// </summary>
/// <param name="Key">The <see cref="FeatureKey.Describe"/> text the chunks were computed for.</param>
public sealed record FeatureIndex(string Key, int Views, IReadOnlyList<ShardEntry> Chunks)
{
    public int Count => Chunks.Sum(chunk => chunk.Count);
}
