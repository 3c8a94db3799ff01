namespace Pipeline.Datasets;

public sealed record ShardEntry(string Key, int Count, long Bytes, string Sha256);
