namespace Pipeline.Contracts;

/// <summary>Asks the orchestrator to continue an <see cref="RunState.Interrupted"/> run from where its work stopped.</summary>
public sealed record ResumeRun(Guid RunId);
