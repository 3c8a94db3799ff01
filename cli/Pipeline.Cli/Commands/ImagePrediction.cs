namespace Pipeline.Cli.Commands;

/// <summary>One image's most probable classes, most probable first.</summary>
public sealed record ImagePrediction(string Path, IReadOnlyList<ClassProbability> Top);
