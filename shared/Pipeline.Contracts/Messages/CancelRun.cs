namespace Pipeline.Contracts;

/// <summary>Asks the orchestrator to cancel a run.</summary>
public sealed record CancelRun(Guid RunId);
