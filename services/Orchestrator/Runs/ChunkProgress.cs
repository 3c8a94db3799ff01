namespace Pipeline.Orchestrator.Runs;

/// <summary>
/// A run's dataset cut into chunks: which chunk ids are in. Chunk ids are counted, not events, so a chunk announced
/// twice (redelivered after a crash, or prepared by two workers) counts once.
/// </summary>
/// <param name="Done">Chunk ids whose <c>ChunkPrepared</c> was applied, ascending.</param>
public sealed record ChunkProgress(string Fingerprint, int Total, IReadOnlyList<int> Done)
{
    public bool Complete => Done.Count == Total;

    /// <summary>The chunks still awaited, ascending.</summary>
    public IEnumerable<int> Missing => Enumerable.Range(0, Total).Except(Done);

    /// <summary>With <paramref name="chunk"/> counted; null when it was counted already or is not one of this dataset's chunks.</summary>
    public ChunkProgress? With(string fingerprint, int chunk) =>
        fingerprint != Fingerprint || chunk < 0 || chunk >= Total || Done.Contains(chunk) ? null : this with { Done = [.. Done.Append(chunk).Order()] };
}
