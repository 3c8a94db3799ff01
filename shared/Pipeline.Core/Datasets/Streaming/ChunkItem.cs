namespace Pipeline.Datasets.Streaming;

/// <summary>Item <paramref name="Index"/> of a loaded chunk (a shard, or a chunk of cached features).</summary>
public readonly record struct ChunkItem<TChunk>(TChunk Chunk, int Index);
