namespace Pipeline.Contracts;

/// <summary>The holder's heartbeat (request): the lease is extended, or denied when it was lost or the run ended.</summary>
public sealed record RenewTrialLease(Guid RunId, string TrialId, string Holder);
