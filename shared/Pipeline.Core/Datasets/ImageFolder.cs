using System.Collections.Frozen;
using System.Text;

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

    /// <summary>
    /// The file that marks a folder as a pipeline store (<c>pipeline run --store</c>): such a folder inside a dataset is
    /// the pipeline's own output, never a class.
    /// </summary>
    public const string StoreMarker = ".pipeline-store";

    /// <summary>
    /// A dataset that comes already split: its top-level folders are <c>train</c>, <c>val</c> and <c>test</c>, each an
    /// ImageFolder, and the split is kept.
    /// </summary>
    public static bool IsPreSplit(IEnumerable<string> topFolders)
    {
        var names = topFolders.ToArray();
        return names.Length > 0 && names.All(DatasetSplits.All.Contains);
    }

    /// <summary>
    /// The split folder (pre-split datasets only) and class of a relative path; null when it is in no class folder.
    /// The class is the folder's name in Unicode NFC: macOS writes 'café' decomposed, Linux keeps what it is given, and
    /// the two spellings must be one class (and one label in the model) wherever the dataset was gathered.
    /// </summary>
    public static (string? Split, string Class)? Locate(string relativePath, bool preSplit)
    {
        var segments = relativePath.Split('/');
        if (segments.Length <= (preSplit ? 2 : 1))
            return null;
        var className = segments[preSplit ? 1 : 0].Normalize(NormalizationForm.FormC);
        return preSplit ? (segments[0], className) : (null, className);
    }

    /// <summary>
    /// Lists a local ImageFolder, trusting no entry: only regular files are read, each once (by device and inode), and
    /// hashed. Links to folders are never followed; links to files only when the file is inside the folder; FIFOs,
    /// devices, sockets and links leading out are quarantined with the reason, never opened. A folder of
    /// <c>train</c>, <c>val</c> and <c>test</c> ImageFolders is listed with each file's split.
    /// </summary>
    /// <exception cref="PipelineException">The folder is missing or holds fewer than two class folders.</exception>
    public static DatasetListing Scan(string name, string folder, CancellationToken cancellationToken = default)
    {
        var root = Path.GetFullPath(folder);
        if (!Directory.Exists(root))
            throw new PipelineException(File.Exists(root)
                ? $"'{folder}' is a file; the dataset must be a folder with one sub-folder of images per class."
                : $"The dataset folder '{folder}' does not exist.");

        var found = new FolderEntries(root);
        var top = found.Read("");
        var preSplit = IsPreSplit(top);
        var classFolders = preSplit ? SplitClassFolders(folder, top, found) : top;
        found.Walked.AddRange(classFolders);
        var classes = classFolders.Select(path => Locate($"{path}/", preSplit)!.Value.Class).Distinct().Order(StringComparer.Ordinal).ToList();
        if (classes.Count < 2)
            throw new PipelineException(
                $"'{folder}' holds {classes.Count} class folder{(classes.Count == 1 ? $" ('{classes[0]}')" : "s")}; " +
                "an ImageFolder needs at least two: one sub-folder of images per class, e.g. cats/1.jpg and dogs/1.jpg.");
        var labels = classes.Select((className, label) => (className, label)).ToDictionary(c => c.className, c => c.label, StringComparer.Ordinal);

        found.WalkAll();
        return new ImageFolderScan(root, labels, preSplit).List(name, classes, found.Entries, found.Ignored, cancellationToken);
    }

    /// <summary>The class folders of every split folder ('train/cats', ...); all three splits must be there.</summary>
    private static List<string> SplitClassFolders(string folder, IReadOnlyList<string> splits, FolderEntries found)
    {
        var missing = DatasetSplits.All.Except(splits).ToArray();
        if (missing.Length > 0)
            throw new PipelineException(
                $"'{folder}' looks split already (it holds {string.Join(", ", splits.Select(s => $"{s}/"))}) but has no {string.Join(" or ", missing.Select(s => $"{s}/"))} folder: " +
                $"a split dataset needs {string.Join(", ", DatasetSplits.All.Select(s => $"{s}/"))}, each with one sub-folder of images per class; " +
                "add the missing folder, or put the class folders at the top to let the pipeline split.");
        return splits.SelectMany(split => found.Read(split).Select(className => $"{split}/{className}")).ToList();
    }

    /// <summary>
    /// Opens a listed file for reading, as a regular file or not at all: what was listed may have been swapped for a
    /// FIFO or a device since, and must neither hang nor stream for ever.
    /// </summary>
    /// <exception cref="IOException">It is no longer a regular file, or cannot be opened.</exception>
    public static Stream OpenFile(string folder, DatasetFile file) =>
        RegularFiles.OpenRead(Path.Combine(folder, file.RelativePath));

    internal const string FolderLinksNeverFollowed = "links to folders are never followed (they can loop, or lead out of the dataset)";

    /// <summary>What a file at <paramref name="relativePath"/> ('/'-separated, inside the ImageFolder) is to a dataset.</summary>
    public static FileKind Classify(string relativePath, bool preSplit = false)
    {
        if (relativePath.Split('/').Any(IsHidden))
            return FileKind.Hidden;
        // Loose files outside the class folders belong to no class.
        return Locate(relativePath, preSplit) is null || !ImageExtensions.Contains(Path.GetExtension(relativePath)) ? FileKind.NotImage : FileKind.Image;
    }

    internal static bool IsHidden(string name) => name.StartsWith('.');
}
