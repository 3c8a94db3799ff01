namespace Pipeline.Contracts;

/// <summary>Broadcast to every worker: stop any work for this run.</summary>
public sealed record RunCancelled(Guid RunId);
