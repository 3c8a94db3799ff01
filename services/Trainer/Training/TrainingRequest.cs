using Pipeline.Contracts;
using Pipeline.Datasets;

namespace Pipeline.Trainer.Training;

/// <summary>One trial to train: its ids place every output in the store (see ObjectKeys).</summary>
public sealed record TrainingRequest(Guid RunId, string TrialId, TrainingSpec Training, int Seed, DatasetManifest Manifest);
