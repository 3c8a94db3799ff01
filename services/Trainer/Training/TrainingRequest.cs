using Pipeline.Datasets;
using Pipeline.Runs;

namespace Pipeline.Trainer.Training;

/// <summary>One trial to train: its ids place every output in the store (see ObjectKeys).</summary>
public sealed record TrainingRequest(Guid RunId, string TrialId, RunSpec Spec, DatasetManifest Manifest);

/// <param name="BestEpoch">1-based epoch whose model was kept.</param>
public sealed record TrainingResult(string ModelKey, string HistoryKey, int BestEpoch, double BestValidationAccuracy);
