namespace Pipeline.Orchestrator.Retention;

/// <summary>One group of objects `gc` removes (or would, in a dry run): what they are, the common prefix of their keys, how many and how large.</summary>
/// <param name="Kind"><c>prepared</c>, <c>features</c>, <c>orphan-features</c> or <c>checkpoints</c>.</param>
public sealed record Collected(string Kind, string Prefix, int Objects, long Bytes, string Reason);
