namespace Pipeline.Contracts;

/// <summary>One trial of a run: its id (<c>t1</c>, <c>t2</c>, ...) and the training settings it uses.</summary>
public sealed record TrialSpec(string TrialId, TrainingSpec Training);
