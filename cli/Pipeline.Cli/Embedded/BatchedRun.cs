namespace Pipeline.Cli.Embedded;

/// <summary>One run of a <see cref="RunBatch"/>: its follower, and when it was submitted and seen to end on the batch's clock.</summary>
internal sealed class BatchedRun(RunFollower follower, double submittedAt)
{
    public RunFollower Follower => follower;

    public double SubmittedAt => submittedAt;

    public double? EndedAt { get; set; }
}
