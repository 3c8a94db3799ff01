namespace Pipeline.Contracts;

/// <summary>A <see cref="SubmitRun"/> could not start: <paramref name="Errors"/> says why, keyed by field path (<c>training.epochs</c>).</summary>
public sealed record RunRejected(Guid RunId, IReadOnlyDictionary<string, string[]> Errors);
