namespace Pipeline.Contracts;

/// <summary>A stage gave up on a run; <paramref name="Reason"/> is meant for the user.</summary>
public sealed record StageFailed(Guid RunId, string Stage, string Reason);
