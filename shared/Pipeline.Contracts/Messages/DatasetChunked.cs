namespace Pipeline.Contracts;

/// <summary>
/// The dataset is too large for one preprocessor: it was listed, split and cut into <paramref name="Chunks"/> chunks
/// (the plan is in the store under the fingerprint). The orchestrator sends one <see cref="PreprocessChunk"/> per chunk.
/// </summary>
/// <param name="ComputeSeconds">Seconds the preprocessor spent listing and planning.</param>
public sealed record DatasetChunked(Guid RunId, string Fingerprint, int Chunks, double? ComputeSeconds = null);
