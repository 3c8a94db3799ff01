using Pipeline.Contracts;

namespace Pipeline.Runs;

/// <summary><c>runs/&lt;runId&gt;/report/summary.json</c>: every trial of a run side by side, and the best one.</summary>
public sealed record RunSummary
{
    /// <summary>2 added each trial's macro F1, calibration error and validation curve.</summary>
    public const int CurrentSchemaVersion = 2;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;
    public required Guid RunId { get; init; }
    public required RunState State { get; init; }
    public required string Dataset { get; init; }
    public string? BestTrialId { get; init; }
    public required IReadOnlyList<TrialSummary> Trials { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset CompletedAt { get; init; }

    /// <summary>Seconds each stage computed for the run, summed over its trials, as the workers reported them.</summary>
    public IReadOnlyDictionary<string, double>? ComputeSeconds { get; init; }

    /// <summary>The run's trace id (32 hex digits), to find the run in Jaeger or the Aspire Dashboard (docs/telemetry.md).</summary>
    public string? TraceId { get; init; }
}
