namespace Pipeline.Contracts;

/// <summary>A top-level folder of a dataset that is not a class, and why (hidden, or a pipeline store inside the data).</summary>
public sealed record IgnoredFolder(string Name, string Reason);
