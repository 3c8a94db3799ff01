namespace Pipeline.Contracts;

/// <summary>One training epoch finished (after its validation pass).</summary>
public sealed record EpochCompleted(
    Guid RunId,
    string TrialId,
    int Epoch,
    int Epochs,
    double TrainLoss,
    double TrainAccuracy,
    double ValidationLoss,
    double ValidationAccuracy,
    double ImagesPerSecond,
    TimeSpan Duration);
