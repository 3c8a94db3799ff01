namespace Pipeline.Contracts;

/// <summary>
/// A trainer asks the orchestrator for the right to train a trial (request; answered by <see cref="TrialLeaseGranted"/>
/// or <see cref="TrialLeaseDenied"/>). One holder at a time: a duplicate command stands down, a cancelled run is refused.
/// </summary>
/// <param name="Holder">Who asks: a name unique to the trainer process.</param>
public sealed record AcquireTrialLease(Guid RunId, string TrialId, string Holder);
