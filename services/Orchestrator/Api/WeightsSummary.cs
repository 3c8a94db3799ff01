namespace Pipeline.Orchestrator.Api;

/// <summary>One weights file of <c>GET /weights</c>: its name (the sha256 of its content), the reference a specification uses, and its bytes.</summary>
public sealed record WeightsSummary(string Name, string Weights, long Bytes);
