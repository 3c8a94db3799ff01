namespace Pipeline.Contracts;

/// <summary>Command to a preprocessor: every chunk of <paramref name="Fingerprint"/> is in; write the manifest and announce <see cref="DatasetPrepared"/>.</summary>
public sealed record AssembleDataset(Guid RunId, string Fingerprint);
