namespace Pipeline.Contracts;

/// <summary>Command to a preprocessor: decode and shard chunk <paramref name="Chunk"/> (0-based) of the planned dataset <paramref name="Fingerprint"/>.</summary>
public sealed record PreprocessChunk(Guid RunId, string Fingerprint, int Chunk, int Chunks);
