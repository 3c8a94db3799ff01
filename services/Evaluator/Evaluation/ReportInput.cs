using Pipeline.Runs;

namespace Pipeline.Evaluator.Evaluation;

/// <summary>Everything the evaluation report shows; the caller gathers it from the run, the manifest and the model's predictions.</summary>
public sealed record ReportInput
{
    /// <summary>What was evaluated, in words (the run and trial, or the model file and the folder): the page's subtitle.</summary>
    public required string Subject { get; init; }

    public required ClassificationMetrics Metrics { get; init; }

    /// <summary>Per-epoch curves, the settings the trial trained with, and the best epoch; null when unknown (a model file alone).</summary>
    public required TrainingHistory? History { get; init; }

    public required DatasetSummary Dataset { get; init; }

    /// <summary>Test images the model got wrong, in the order the report shows them; empty for no gallery.</summary>
    public IReadOnlyList<MisclassifiedExample> Mistakes { get; init; } = [];
}
