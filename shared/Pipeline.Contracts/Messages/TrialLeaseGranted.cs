namespace Pipeline.Contracts;

/// <summary>The trial is the holder's until <paramref name="ExpiresAt"/>, unless it renews before.</summary>
public sealed record TrialLeaseGranted(Guid RunId, string TrialId, string Holder, DateTimeOffset ExpiresAt, TimeSpan RenewEvery);
