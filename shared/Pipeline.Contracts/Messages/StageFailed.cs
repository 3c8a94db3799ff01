namespace Pipeline.Contracts;

/// <summary>A stage gave up on a run (or one trial of it); <paramref name="Reason"/> is meant for the user.</summary>
public sealed record StageFailed(Guid RunId, string Stage, string Reason, string? TrialId = null);
