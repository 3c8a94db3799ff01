namespace Pipeline.Orchestrator.Api;

/// <summary>One dataset of <c>GET /datasets</c>: its name, how many classes and images it holds, and their bytes.</summary>
public sealed record DatasetSummary(string Name, int Classes, int Files, long Bytes, DateTimeOffset CreatedAt);
