namespace Pipeline.Datasets;

/// <summary>What a dataset holds: classes (label = index), candidate images in (label, path) order, and what was left out.</summary>
public sealed record DatasetListing(string Name, IReadOnlyList<string> Classes, IReadOnlyList<DatasetFile> Files, SkippedFiles Skipped)
{
    /// <summary>Entries refused while listing, before any decoding: links out of the dataset, FIFOs, devices, unreadable files.</summary>
    public IReadOnlyList<QuarantinedFile> Quarantine { get; init; } = [];

    /// <summary>True when the dataset came split (train/, val/, test/): each file's <see cref="DatasetFile.Split"/> is kept.</summary>
    public bool PreSplit => Files.Count > 0 && Files[0].Split is not null;
}
