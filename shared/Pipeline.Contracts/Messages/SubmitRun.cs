namespace Pipeline.Contracts;

/// <summary>Asks the orchestrator to start a run. Any client on the bus may send it; an invalid one gets <see cref="RunRejected"/>.</summary>
public sealed record SubmitRun(Guid RunId, RunSpec Spec);
