namespace Pipeline.Contracts;

/// <summary>Command to the preprocessor: turn the named dataset into shards and a manifest.</summary>
/// <param name="Dataset">A dataset name (see <see cref="DatasetNames"/>), resolved by the worker: never a path.</param>
public sealed record PreprocessDataset(Guid RunId, string Dataset, PreprocessingSpec Preprocessing, int Seed);
