using Pipeline.Runs;

namespace Pipeline.Evaluator.Evaluation;

/// <summary>Everything the evaluation report shows; the caller gathers it from the run, the manifest and the model's predictions.</summary>
public sealed record ReportInput
{
    public required ClassificationMetrics Metrics { get; init; }

    /// <summary>Per-epoch curves, the backbone and mode actually trained, and the best epoch.</summary>
    public required TrainingHistory History { get; init; }

    /// <summary>The options the user chose (planned epochs, learning rate, batch size, seed).</summary>
    public required RunSpec Spec { get; init; }

    public required DatasetSummary Dataset { get; init; }

    /// <summary>Test images the model got wrong, in the order the report shows them; empty for no gallery.</summary>
    public IReadOnlyList<MisclassifiedExample> Mistakes { get; init; } = [];
}

/// <param name="Source">Where the images came from (folder or dataset name), as the user named it.</param>
/// <param name="SplitCounts">Images per split, keyed by split name (train, val, test).</param>
/// <param name="QuarantinedCount">Files the preprocessor refused.</param>
public sealed record DatasetSummary(string Source, IReadOnlyDictionary<string, int> SplitCounts, int QuarantinedCount);

/// <param name="RelativePath">Source path relative to the dataset root.</param>
/// <param name="Confidence">Probability (0..1) the model gave its (wrong) prediction.</param>
/// <param name="ThumbnailPng">A small PNG of the image, made by the caller.</param>
public sealed record MisclassifiedExample(string RelativePath, string TrueClass, string PredictedClass, double Confidence, byte[] ThumbnailPng);
