namespace Pipeline.Datasets;

/// <summary>A file that could not be used, and why, in words a user can act on.</summary>
public sealed record QuarantinedFile(string Path, string Reason);
