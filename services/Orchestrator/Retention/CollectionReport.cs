namespace Pipeline.Orchestrator.Retention;

/// <summary>What `gc` removed (or, with <see cref="DryRun"/>, would remove) and the bytes that frees; <see cref="Kept"/> says what it left alone on purpose.</summary>
public sealed record CollectionReport(bool DryRun, IReadOnlyList<Collected> Removed, int Objects, long Bytes, IReadOnlyList<string> Kept);
