using Pipeline.Contracts;

namespace Pipeline.Datasets;

/// <summary>
/// The entries of a local ImageFolder, gathered without ever following a link: folders that may hold classes, the
/// folders it ignores (and why), and every non-folder entry below the walked ones.
/// </summary>
internal sealed class FolderEntries(string root)
{
    // Hidden entries must be seen to be counted; the default options skip them silently.
    private static readonly EnumerationOptions AllEntries = new() { AttributesToSkip = 0, IgnoreInaccessible = true, RecurseSubdirectories = false };

    public List<IgnoredFolder> Ignored { get; } = [];

    /// <summary>Folders ('/'-separated, relative to the root) whose whole content is gathered by <see cref="WalkAll"/>.</summary>
    public List<string> Walked { get; } = [];

    public List<(string Relative, FileStatus Status)> Entries { get; } = [];

    /// <summary>
    /// The real, visible sub-folders of <paramref name="relativeFolder"/> that may be classes (or splits), in name order.
    /// Links to folders and pipeline stores are ignored with a reason; hidden folders too, but walked so that their files
    /// are counted; loose files are gathered.
    /// </summary>
    public List<string> Read(string relativeFolder)
    {
        var folders = new List<string>();
        foreach (var path in Directory.EnumerateFileSystemEntries(Path.Combine(root, relativeFolder), "*", AllEntries).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(path);
            var relative = Join(relativeFolder, name);
            var status = UnixFiles.Entry(path);
            if (status.Type == FileType.SymbolicLink && UnixFiles.Target(path).Type == FileType.Directory)
                Ignored.Add(new IgnoredFolder(relative, $"it is a link to a folder, and {ImageFolder.FolderLinksNeverFollowed}: move or copy the folder in"));
            else if (status.Type != FileType.Directory)
                Entries.Add((relative, status)); // loose outside the class folders: counted, never read
            else if (ImageFolder.IsHidden(name))
            {
                Ignored.Add(new IgnoredFolder(relative, "its name starts with '.', so it is hidden; rename it to make it a class"));
                Walked.Add(relative);
            }
            else if (File.Exists(Path.Combine(path, ImageFolder.StoreMarker)))
                Ignored.Add(new IgnoredFolder(relative, "it is a pipeline store (--store), not a class; keep the store outside the data folder"));
            else
                folders.Add(name);
        }
        return folders;
    }

    public void WalkAll()
    {
        foreach (var folder in Walked)
            Walk(folder);
    }

    /// <summary>Every entry below <paramref name="relativeFolder"/>, descending only into real folders, never through links.</summary>
    private void Walk(string relativeFolder)
    {
        foreach (var path in Directory.EnumerateFileSystemEntries(Path.Combine(root, relativeFolder), "*", AllEntries))
        {
            var relative = Join(relativeFolder, Path.GetFileName(path));
            var status = UnixFiles.Entry(path);
            if (status.Type == FileType.Directory)
                Walk(relative);
            else
                Entries.Add((relative, status));
        }
    }

    private static string Join(string folder, string name) => folder.Length == 0 ? name : $"{folder}/{name}";
}
