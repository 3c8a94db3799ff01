namespace Pipeline.Imaging;

/// <summary>Why bytes are not a usable image: a <see cref="Contracts.QuarantineCodes"/> code and a message for people.</summary>
public sealed record ImageProblem(string Code, string Message);
