namespace Pipeline.Contracts;

/// <summary>Progress of a preprocessing job, published every few hundred images.</summary>
public sealed record PreprocessingProgressed(Guid RunId, int Processed, int Total);
