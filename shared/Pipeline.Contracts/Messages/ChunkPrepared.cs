namespace Pipeline.Contracts;

/// <summary>One chunk's shards and its result are in the store; the orchestrator counts chunk ids, so a copy of this event counts once.</summary>
/// <param name="Images">Usable images in the chunk.</param>
/// <param name="Quarantined">Files of the chunk that were quarantined.</param>
public sealed record ChunkPrepared(Guid RunId, string Fingerprint, int Chunk, int Images, int Quarantined, double? ComputeSeconds = null);
