namespace Pipeline.Shards;

public readonly record struct ShardHeader(int Width, int Height, int Count);
