namespace Pipeline.Cli.Embedded;

/// <summary>How a run ended, and when it was submitted and seen to end, in seconds on the batch's clock.</summary>
public sealed record TimedOutcome(RunOutcome Outcome, double SubmittedAt, double EndedAt)
{
    public double WallSeconds => EndedAt - SubmittedAt;
}
