namespace Pipeline.Preprocessor.Preprocessing;

/// <summary>A chunk this process prepared, and the seconds its decoding took (kept out of the stored result, which must not vary).</summary>
public sealed record PreparedChunk(ChunkResult Result, double DecodeSeconds);
