using System.Text.Json;

namespace Pipeline.Orchestrator.Runs;

/// <summary>One entry of a run's journal: an event the orchestrator received, as it was (its contract type's name and body).</summary>
public sealed record RunEvent(long Id, string Type, JsonElement Data, DateTimeOffset At);
