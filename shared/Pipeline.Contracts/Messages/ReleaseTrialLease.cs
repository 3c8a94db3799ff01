namespace Pipeline.Contracts;

/// <summary>The holder is done with the trial (trained, failed or cancelled): the lease goes at once instead of expiring.</summary>
public sealed record ReleaseTrialLease(Guid RunId, string TrialId, string Holder);
