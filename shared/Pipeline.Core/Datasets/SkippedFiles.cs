using Pipeline.Contracts;

namespace Pipeline.Datasets;

/// <summary>Files left out on purpose (not errors): hidden files and files that are not images, and top-level folders that are not classes.</summary>
public sealed record SkippedFiles(int Hidden, int NotImages)
{
    public static readonly SkippedFiles None = new(0, 0);

    /// <summary>Second paths (hard or symbolic links) to a file of the same class already listed: each file is read once.</summary>
    public int Aliases { get; init; }

    /// <summary>Top-level folders not taken as classes, by name and why.</summary>
    public IReadOnlyList<IgnoredFolder> Folders { get; init; } = [];

    // Records compare lists by reference; two skip reports are the same when they list the same folders.
    public bool Equals(SkippedFiles? other) =>
        other is not null && Hidden == other.Hidden && NotImages == other.NotImages && Aliases == other.Aliases && Folders.SequenceEqual(other.Folders);

    public override int GetHashCode() => HashCode.Combine(Hidden, NotImages, Aliases, Folders.Count);
}
