using Pipeline.Contracts;

namespace Pipeline.Orchestrator.Runs;

/// <summary>The orchestrator's view of one trial of a run: its settings, where it got to and what it produced.</summary>
public sealed record TrialRecord
{
    public required string TrialId { get; init; }
    public required RunState State { get; init; }
    public required TrainingSpec Training { get; init; }
    public int? Epoch { get; init; }
    public double? ValidationAccuracy { get; init; }
    public string? ModelKey { get; init; }
    public string? HistoryKey { get; init; }
    public int? BestEpoch { get; init; }
    public double? TestAccuracy { get; init; }
    public string? ReportKey { get; init; }
    public string? MetricsKey { get; init; }
    public string? Error { get; init; }

    public TrialOutcome Outcome() => new(TrialId, State, TestAccuracy, ReportKey);
}
