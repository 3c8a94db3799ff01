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
    private static readonly EnumerationOptions AllFilesBelow = new() { AttributesToSkip = 0, IgnoreInaccessible = true, RecurseSubdirectories = true };

    /// <summary>
    /// The file that marks a folder as a pipeline store (<c>pipeline run --store</c>): such a folder inside a dataset is
    /// the pipeline's own output, never a class.
    /// </summary>
    public const string StoreMarker = ".pipeline-store";

    /// <summary>The class folder a relative path belongs to (its first segment).</summary>
    public static string ClassOf(string relativePath) => relativePath[..relativePath.IndexOf('/')];

    /// <summary>Lists a local ImageFolder; each file's stamp is its size and modification time.</summary>
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
        foreach (var folderPath in Directory.EnumerateDirectories(root, "*", AllEntries).Order(StringComparer.Ordinal))
        {
            var folderName = Path.GetFileName(folderPath);
            if (IsHidden(folderName))
                ignored.Add(new IgnoredFolder(folderName, "its name starts with '.', so it is hidden; rename it to make it a class"));
            else if (File.Exists(Path.Combine(folderPath, StoreMarker)))
                ignored.Add(new IgnoredFolder(folderName, "it is a pipeline store (--store), not a class; keep the store outside the data folder"));
            else
                classes.Add(folderName);
        }
        if (classes.Count < 2)
            throw new PipelineException(
                $"'{folder}' holds {classes.Count} class folder{(classes.Count == 1 ? $" ('{classes[0]}')" : "s")}; " +
                "an ImageFolder needs at least two: one sub-folder of images per class, e.g. cats/1.jpg and dogs/1.jpg.");
        var labels = classes.Select((className, label) => (className, label)).ToDictionary(c => c.className, c => c.label, StringComparer.Ordinal);

        var skipped = new SkipTally();
        var files = new List<DatasetFile>();
        foreach (var path in Directory.EnumerateFiles(root, "*", AllFilesBelow))
        {
            var relative = Path.GetRelativePath(root, path).Replace(Path.DirectorySeparatorChar, '/');
            if (relative.Contains('/') && !labels.ContainsKey(ClassOf(relative)))
            {
                // Inside an ignored folder (hidden ones are counted as hidden, a store's files are not the data's).
                if (IsHidden(ClassOf(relative)))
                    skipped.Hidden();
                continue;
            }
            if (skipped.Admit(relative))
            {
                var info = new FileInfo(path);
                files.Add(new DatasetFile(relative, labels[ClassOf(relative)], info.Length, $"{info.Length}:{info.LastWriteTimeUtc.Ticks}"));
            }
        }
        files.Sort((a, b) => a.Label != b.Label ? a.Label.CompareTo(b.Label) : string.CompareOrdinal(a.RelativePath, b.RelativePath));
        return new DatasetListing(name, classes, files, skipped.Skipped(ignored));
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
