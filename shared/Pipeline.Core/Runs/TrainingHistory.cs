using Pipeline.Contracts;

namespace Pipeline.Runs;

/// <summary>Per-epoch training record of one trial (<c>history.json</c>), with the settings it trained with; the evaluator plots it.</summary>
public sealed record TrainingHistory
{
    public const int CurrentSchemaVersion = 2;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;
    public required TrainingSpec Training { get; init; }
    public required int Seed { get; init; }
    public required IReadOnlyList<EpochRecord> Epochs { get; init; }

    /// <summary>1-based epoch with the best validation accuracy (the model kept); 0 before any epoch.</summary>
    public int BestEpoch { get; init; }

    /// <summary>The epoch after which early stopping ended the trial; null when it trained every epoch.</summary>
    public int? StoppedAfterEpoch { get; init; }

    /// <summary>Why the trial stopped early, in words; null when it trained every epoch.</summary>
    public string? StopReason { get; init; }

    /// <summary>What went wrong without failing the trial (a damaged checkpoint replaced), in words; empty when nothing did.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}
