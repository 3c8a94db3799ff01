namespace Pipeline.Datasets;

/// <summary>A file that could not be used: a <see cref="Contracts.QuarantineCodes"/> code, and a message a user can act on.</summary>
public sealed record QuarantinedFile(string Path, string Code, string Message);
