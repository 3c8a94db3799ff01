namespace Pipeline.Datasets;

/// <summary>Files left out on purpose (not errors): hidden files and files that are not images.</summary>
public sealed record SkippedFiles(int Hidden, int NotImages)
{
    public static readonly SkippedFiles None = new(0, 0);
}
