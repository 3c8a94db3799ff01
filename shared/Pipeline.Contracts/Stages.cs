namespace Pipeline.Contracts;

/// <summary>The stages by name, as <see cref="StageFailed"/> and <see cref="StageHeartbeat"/> carry them.</summary>
public static class Stages
{
    public const string Preprocess = "preprocess";
    public const string Train = "train";
    public const string Evaluate = "evaluate";
}
