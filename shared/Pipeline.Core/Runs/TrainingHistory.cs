namespace Pipeline.Runs;

/// <summary>Per-epoch training record of one trial (<c>history.json</c>); the evaluator plots it.</summary>
public sealed record TrainingHistory
{
    public const int CurrentSchemaVersion = 1;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;
    public required string Backbone { get; init; }
    public required TrainingMode Mode { get; init; }
    public required IReadOnlyList<EpochRecord> Epochs { get; init; }

    /// <summary>1-based epoch with the best validation accuracy (the model kept); 0 before any epoch.</summary>
    public int BestEpoch { get; init; }
}

public sealed record EpochRecord(
    int Epoch,
    double TrainLoss,
    double TrainAccuracy,
    double ValidationLoss,
    double ValidationAccuracy,
    double ImagesPerSecond,
    double Seconds);
