namespace Pipeline.Datasets;

/// <param name="Files">Source paths relative to the dataset root, in shard record order.</param>
/// <param name="ClassCounts">Images per class, indexed by label.</param>
public sealed record SplitManifest(int Count, IReadOnlyList<int> ClassCounts, IReadOnlyList<ShardEntry> Shards, IReadOnlyList<string> Files);
