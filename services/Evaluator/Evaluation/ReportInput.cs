using Pipeline.Runs;

namespace Pipeline.Evaluator.Evaluation;

/// <summary>Everything the evaluation report shows; the caller gathers it from the run, the manifest and the model's predictions.</summary>
public sealed record ReportInput
{
    public required ClassificationMetrics Metrics { get; init; }

    /// <summary>Per-epoch curves, the settings the trial trained with, and the best epoch.</summary>
    public required TrainingHistory History { get; init; }

    public required DatasetSummary Dataset { get; init; }

    /// <summary>Test images the model got wrong, in the order the report shows them; empty for no gallery.</summary>
    public IReadOnlyList<MisclassifiedExample> Mistakes { get; init; } = [];
}
