namespace Pipeline.Trainer.Training;

/// <param name="BestEpoch">1-based epoch whose model was kept.</param>
public sealed record TrainingResult(string ModelKey, string HistoryKey, int BestEpoch, double BestValidationAccuracy);
