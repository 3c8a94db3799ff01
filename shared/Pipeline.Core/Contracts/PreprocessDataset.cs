using Pipeline.Runs;

namespace Pipeline.Contracts;

/// <summary>Command to the preprocessor: turn the spec's ImageFolder into shards and a manifest.</summary>
public sealed record PreprocessDataset(Guid RunId, RunSpec Spec);
