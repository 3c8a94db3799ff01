using Pipeline.Contracts;
using Pipeline.Runs;

namespace Pipeline.Orchestrator.Runs;

/// <summary>One row of the run table: the orchestrator's view of a run. <see cref="Version"/> guards concurrent updates.</summary>
public sealed record RunRecord
{
    public required Guid Id { get; init; }
    public required RunState State { get; init; }
    public required RunSpec Spec { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
    public long Version { get; init; }
    public string? ManifestKey { get; init; }
    public string? Fingerprint { get; init; }
    public string? ModelKey { get; init; }
    public string? HistoryKey { get; init; }
    public int? Epoch { get; init; }
    public double? ValidationAccuracy { get; init; }
    public double? TestAccuracy { get; init; }
    public string? ReportKey { get; init; }
    public string? Error { get; init; }
}
