namespace Pipeline.Evaluator.Evaluation;

/// <param name="Source">Where the images came from (folder or dataset name), as the user named it.</param>
/// <param name="SplitCounts">Images per split, keyed by split name (train, val, test).</param>
/// <param name="QuarantinedCount">Files the preprocessor refused.</param>
public sealed record DatasetSummary(string Source, IReadOnlyDictionary<string, int> SplitCounts, int QuarantinedCount);
