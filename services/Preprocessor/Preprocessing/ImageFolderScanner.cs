using System.Collections.Frozen;
using Pipeline.Datasets;

namespace Pipeline.Preprocessor.Preprocessing;

/// <summary>An image file found under a class folder. <paramref name="RelativePath"/> uses '/' and starts with the class folder.</summary>
public sealed record ImageFile(string RelativePath, string FullPath, int Label, long Size, DateTime LastWriteUtc);

/// <summary>What an ImageFolder holds: classes (label = index), candidate images in (label, path) order, and what was left out.</summary>
public sealed record ImageFolderScan(string Root, IReadOnlyList<string> Classes, IReadOnlyList<ImageFile> Images, SkippedFiles Skipped);

/// <summary>Reads an ImageFolder: one sub-folder per class, image files at any depth below it.</summary>
public static class ImageFolderScanner
{
    /// <summary>Extensions of the formats ImageSharp 2 decodes. The content is checked anyway; this only keeps notes and metadata out.</summary>
    public static readonly FrozenSet<string> ImageExtensions = FrozenSet.Create(StringComparer.OrdinalIgnoreCase,
        ".jpg", ".jpeg", ".jpe", ".jfif", ".png", ".bmp", ".dib", ".gif", ".tif", ".tiff", ".webp", ".tga", ".pbm", ".pgm", ".ppm");

    // Hidden entries must be seen to be counted; the default options skip them silently.
    private static readonly EnumerationOptions AllEntries = new() { AttributesToSkip = 0, IgnoreInaccessible = true, RecurseSubdirectories = false };
    private static readonly EnumerationOptions AllFilesBelow = new() { AttributesToSkip = 0, IgnoreInaccessible = true, RecurseSubdirectories = true };

    /// <exception cref="PipelineException">The folder is missing or holds fewer than two class folders.</exception>
    public static ImageFolderScan Scan(string dataDir)
    {
        var root = Path.GetFullPath(dataDir);
        if (!Directory.Exists(root))
            throw new PipelineException(File.Exists(root)
                ? $"'{dataDir}' is a file; the dataset must be a folder with one sub-folder of images per class."
                : $"The dataset folder '{dataDir}' does not exist.");

        var classes = Directory.EnumerateDirectories(root, "*", AllEntries)
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(name => !IsHidden(name))
            .Order(StringComparer.Ordinal)
            .ToArray();
        if (classes.Length < 2)
            throw new PipelineException(
                $"'{dataDir}' holds {classes.Length} class folder{(classes.Length == 1 ? $" ('{classes[0]}')" : "s")}; " +
                "an ImageFolder needs at least two: one sub-folder of images per class, e.g. cats/1.jpg and dogs/1.jpg.");
        var labels = classes.Select((name, label) => (name, label)).ToDictionary(c => c.name, c => c.label, StringComparer.Ordinal);

        int hidden = 0, notImages = 0;
        var images = new List<ImageFile>();
        foreach (var path in Directory.EnumerateFiles(root, "*", AllFilesBelow))
        {
            var relative = Path.GetRelativePath(root, path).Replace(Path.DirectorySeparatorChar, '/');
            var segments = relative.Split('/');
            if (segments.Any(IsHidden))
                hidden++;
            else if (segments.Length == 1 || !ImageExtensions.Contains(Path.GetExtension(relative)))
                notImages++; // loose files at the root belong to no class
            else
            {
                var info = new FileInfo(path);
                images.Add(new ImageFile(relative, path, labels[segments[0]], info.Length, info.LastWriteTimeUtc));
            }
        }
        images.Sort((a, b) => a.Label != b.Label ? a.Label.CompareTo(b.Label) : string.CompareOrdinal(a.RelativePath, b.RelativePath));
        return new ImageFolderScan(root, classes, images, new SkippedFiles(hidden, notImages));
    }

    private static bool IsHidden(string name) => name.StartsWith('.');
}
