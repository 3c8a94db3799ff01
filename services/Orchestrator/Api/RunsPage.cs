namespace Pipeline.Orchestrator.Api;

/// <summary>A page of <c>GET /runs</c>, newest first; <paramref name="NextCursor"/> asks for the next one (null on the last page).</summary>
public sealed record RunsPage(IReadOnlyList<RunView> Runs, string? NextCursor);
