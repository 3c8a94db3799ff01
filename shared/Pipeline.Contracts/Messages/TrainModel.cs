namespace Pipeline.Contracts;

/// <summary>Command to a trainer: train one trial of a run on a prepared dataset.</summary>
public sealed record TrainModel(Guid RunId, string TrialId, TrainingSpec Training, int Seed, string ManifestKey);
