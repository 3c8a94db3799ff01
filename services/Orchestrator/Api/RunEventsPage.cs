using Pipeline.Orchestrator.Runs;

namespace Pipeline.Orchestrator.Api;

/// <summary>A run now, and the events of its journal after the one a client last saw (ask again with <c>after</c> = the last id).</summary>
public sealed record RunEventsPage(RunView Run, IReadOnlyList<RunEvent> Events);
