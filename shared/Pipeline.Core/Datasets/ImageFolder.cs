using System.Collections.Frozen;

using Pipeline.Contracts;

namespace Pipeline.Datasets;

/// <summary>
/// The ImageFolder layout: one sub-folder per class, image files at any depth below it. Which files count, in one
/// place for local folders and uploads alike.
/// </summary>
public static class ImageFolder
{
    /// <summary>Extensions of the formats the pipeline decodes. The content is checked anyway; this only keeps notes and metadata out.</summary>
    public static readonly FrozenSet<string> ImageExtensions = FrozenSet.Create(StringComparer.OrdinalIgnoreCase,
        ".jpg", ".jpeg", ".jpe", ".jfif", ".png", ".bmp", ".dib", ".gif", ".tif", ".tiff", ".webp", ".tga", ".pbm", ".pgm", ".ppm");

    // Hidden entries must be seen to be counted; the default options skip them silently.
    private static readonly EnumerationOptions AllEntries = new() { AttributesToSkip = 0, IgnoreInaccessible = true, RecurseSubdirectories = false };

    /// <summary>
    /// The file that marks a folder as a pipeline store (<c>pipeline run --store</c>): such a folder inside a dataset is
    /// the pipeline's own output, never a class.
    /// </summary>
    public const string StoreMarker = ".pipeline-store";

    /// <summary>The class folder a relative path belongs to (its first segment).</summary>
    public static string ClassOf(string relativePath) => relativePath[..relativePath.IndexOf('/')];

    /// <summary>
    /// Lists a local ImageFolder, trusting no entry: only regular files are read, each once (by device and inode), and
    /// hashed. Links to folders are never followed; links to files only when the file is inside the folder; FIFOs,
    /// devices, sockets and links leading out are quarantined with the reason, never opened.
    /// </summary>
    /// <exception cref="PipelineException">The folder is missing or holds fewer than two class folders.</exception>
    public static DatasetListing Scan(string name, string folder)
    {
        var root = Path.GetFullPath(folder);
        if (!Directory.Exists(root))
            throw new PipelineException(File.Exists(root)
                ? $"'{folder}' is a file; the dataset must be a folder with one sub-folder of images per class."
                : $"The dataset folder '{folder}' does not exist.");

        var ignored = new List<IgnoredFolder>();
        var classes = new List<string>();
        var walked = new List<string>();
        var entries = new List<(string Relative, FileStatus Status)>();
        foreach (var path in Directory.EnumerateFileSystemEntries(root, "*", AllEntries).Order(StringComparer.Ordinal))
        {
            var entryName = Path.GetFileName(path);
            var status = UnixFiles.Entry(path);
            if (status.Type == FileType.SymbolicLink && UnixFiles.Target(path).Type == FileType.Directory)
                ignored.Add(new IgnoredFolder(entryName, $"it is a link to a folder, and {FolderLinksNeverFollowed}: move or copy the folder in"));
            else if (status.Type != FileType.Directory)
                entries.Add((entryName, status)); // loose at the root: counted, never read
            else if (IsHidden(entryName))
            {
                ignored.Add(new IgnoredFolder(entryName, "its name starts with '.', so it is hidden; rename it to make it a class"));
                walked.Add(entryName); // its files are counted as hidden
            }
            else if (File.Exists(Path.Combine(path, StoreMarker)))
                ignored.Add(new IgnoredFolder(entryName, "it is a pipeline store (--store), not a class; keep the store outside the data folder"));
            else
            {
                classes.Add(entryName);
                walked.Add(entryName);
            }
        }
        if (classes.Count < 2)
            throw new PipelineException(
                $"'{folder}' holds {classes.Count} class folder{(classes.Count == 1 ? $" ('{classes[0]}')" : "s")}; " +
                "an ImageFolder needs at least two: one sub-folder of images per class, e.g. cats/1.jpg and dogs/1.jpg.");
        var labels = classes.Select((className, label) => (className, label)).ToDictionary(c => c.className, c => c.label, StringComparer.Ordinal);

        foreach (var top in walked)
            Walk(root, top, entries);
        return new ImageFolderScan(root, labels).List(name, classes, entries, ignored);
    }

    /// <summary>
    /// Opens a listed file for reading, as a regular file or not at all: what was listed may have been swapped for a
    /// FIFO or a device since, and must neither hang nor stream for ever.
    /// </summary>
    /// <exception cref="IOException">It is no longer a regular file, or cannot be opened.</exception>
    public static Stream OpenFile(string folder, DatasetFile file) =>
        new FileStream(UnixFiles.OpenRegularFile(Path.Combine(folder, file.RelativePath)), FileAccess.Read, 1 << 16);

    internal const string FolderLinksNeverFollowed = "links to folders are never followed (they can loop, or lead out of the dataset)";

    /// <summary>Every entry below <paramref name="relativeFolder"/>, descending only into real folders, never through links.</summary>
    private static void Walk(string root, string relativeFolder, List<(string Relative, FileStatus Status)> entries)
    {
        foreach (var path in Directory.EnumerateFileSystemEntries(Path.Combine(root, relativeFolder), "*", AllEntries))
        {
            var relative = $"{relativeFolder}/{Path.GetFileName(path)}";
            var status = UnixFiles.Entry(path);
            if (status.Type == FileType.Directory)
                Walk(root, relative, entries);
            else
                entries.Add((relative, status));
        }
    }

    /// <summary>What a file at <paramref name="relativePath"/> ('/'-separated, inside the ImageFolder) is to a dataset.</summary>
    public static FileKind Classify(string relativePath)
    {
        var segments = relativePath.Split('/');
        if (segments.Any(IsHidden))
            return FileKind.Hidden;
        // Loose files at the root belong to no class.
        return segments.Length == 1 || !ImageExtensions.Contains(Path.GetExtension(relativePath)) ? FileKind.NotImage : FileKind.Image;
    }

    private static bool IsHidden(string name) => name.StartsWith('.');
}
