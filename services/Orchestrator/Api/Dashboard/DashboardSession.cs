namespace Pipeline.Orchestrator.Api.Dashboard;

/// <summary>What the dashboard knows of its browser: the role of the key it signed in with (null when it has not) and where traces open.</summary>
public sealed record DashboardSession(string? Role, string? TraceViewerUrl);
