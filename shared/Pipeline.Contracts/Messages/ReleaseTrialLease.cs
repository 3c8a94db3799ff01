namespace Pipeline.Contracts;

/// <summary>
/// The holder is done with the trial (trained, failed or cancelled): the lease goes at once instead of expiring. With
/// <paramref name="Unfinished"/> the holder stopped before the trial ended (its process is stopping): the trial is
/// sent to another trainer now.
/// </summary>
public sealed record ReleaseTrialLease(Guid RunId, string TrialId, string Holder, bool Unfinished = false);
