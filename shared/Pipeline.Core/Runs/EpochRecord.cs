namespace Pipeline.Runs;

public sealed record EpochRecord(
    int Epoch,
    double TrainLoss,
    double TrainAccuracy,
    double ValidationLoss,
    double ValidationAccuracy,
    double ImagesPerSecond,
    double Seconds);
