namespace Pipeline.Contracts;

/// <summary>The trial is not the asker's to train; <paramref name="Reason"/> says why (another holder, the run ended).</summary>
public sealed record TrialLeaseDenied(Guid RunId, string TrialId, string Reason);
