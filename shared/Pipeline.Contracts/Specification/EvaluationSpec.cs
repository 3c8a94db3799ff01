namespace Pipeline.Contracts;

/// <summary>How a trained model is scored on the test split.</summary>
public sealed record EvaluationSpec
{
    public const int MaxMistakes = 200;

    /// <summary>Images per forward pass; predictions do not depend on it beyond floating-point rounding.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>How many of the most confident mistakes the report shows.</summary>
    public int Mistakes { get; init; } = 24;

    internal void Validate(ValidationErrors errors)
    {
        errors.AddIf(BatchSize is < 1 or > 4096, "evaluation.batchSize", $"must be between 1 and 4096 (got {BatchSize})");
        errors.AddIf(Mistakes is < 0 or > MaxMistakes, "evaluation.mistakes", $"must be between 0 and {MaxMistakes} (got {Mistakes})");
    }
}
