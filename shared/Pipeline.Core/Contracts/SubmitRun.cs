using Pipeline.Runs;

namespace Pipeline.Contracts;

/// <summary>Asks the orchestrator to start a run. Any client on the bus may send it.</summary>
public sealed record SubmitRun(Guid RunId, RunSpec Spec);
