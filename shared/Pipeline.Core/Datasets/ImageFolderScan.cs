using System.Security.Cryptography;
using Pipeline.Contracts;

namespace Pipeline.Datasets;

/// <summary>
/// Decides, for every entry found below a local ImageFolder, whether it is a candidate image, and hashes the ones
/// that are: what <see cref="ImageFolder.Scan"/> walked, judged by what each entry is rather than by its name.
/// </summary>
internal sealed class ImageFolderScan(string root, IReadOnlyDictionary<string, int> labels, bool preSplit)
{
    private readonly SkipTally _skipped = new();
    private readonly List<QuarantinedFile> _quarantine = [];

    public DatasetListing List(string name, IReadOnlyList<string> classes, List<(string Relative, FileStatus Status)> entries, IReadOnlyList<IgnoredFolder> ignored,
        CancellationToken cancellationToken)
    {
        // A file link is followed only to a regular file met while walking the folder (links never walked): inside the dataset.
        var inside = entries.Where(e => e.Status.Type == FileType.Regular).Select(e => (e.Status.Device, e.Status.Inode)).ToHashSet();
        var candidates = new List<(string Relative, int Label, FileStatus Status)>();
        foreach (var (relative, entry) in entries.OrderBy(e => e.Relative, StringComparer.Ordinal))
            if (Candidate(relative, entry, inside) is { } status)
                candidates.Add((relative, labels[ImageFolder.Locate(relative, preSplit)!.Value.Class], status));

        var files = new List<DatasetFile>();
        var hashes = new Dictionary<(ulong, ulong), string>();
        var seenInClass = new HashSet<(ulong Device, ulong Inode, int Label)>();
        foreach (var (relative, label, status) in candidates.OrderBy(c => c.Label).ThenBy(c => c.Relative, StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested(); // hashing a large folder takes a while
            var identity = (status.Device, status.Inode);
            if (!seenInClass.Add((status.Device, status.Inode, label)))
            {
                _skipped.Alias(); // the same file again in the same class
                continue;
            }
            if (!hashes.TryGetValue(identity, out var sha256) && (sha256 = Hash(relative)) is not null)
                hashes[identity] = sha256;
            if (sha256 is not null)
                files.Add(new DatasetFile(relative, label, status.Size, sha256, ImageFolder.Locate(relative, preSplit)!.Value.Split));
        }
        return new DatasetListing(name, classes, files, _skipped.Skipped(ignored)) { Quarantine = _quarantine };
    }

    /// <summary>The status of the regular file the entry leads to when it is a candidate image; otherwise counts or quarantines it and returns null.</summary>
    private FileStatus? Candidate(string relative, FileStatus entry, HashSet<(ulong, ulong)> inside)
    {
        var kind = ImageFolder.Classify(relative, preSplit);
        if (kind == FileKind.Hidden)
        {
            _skipped.Hidden();
            return null;
        }
        var path = Path.Combine(root, relative);
        var isLink = entry.Type == FileType.SymbolicLink;
        var status = isLink ? UnixFiles.Target(path) : entry;
        if (isLink && status.Type == FileType.Directory)
            return Quarantine(relative, QuarantineCodes.NotRegularFile, $"a link to a folder ('{LinkTarget(path)}'), and {ImageFolder.FolderLinksNeverFollowed}: move or copy the images in");
        if (kind == FileKind.NotImage)
        {
            _skipped.NotImage();
            return null;
        }
        if (status.Type != FileType.Regular)
            return Quarantine(relative, QuarantineCodes.NotRegularFile,
                $"{(isLink ? $"a link to '{LinkTarget(path)}', which is " : "")}{status.Describe()}, not a regular file: it is never read; remove it or put the image itself there");
        if (isLink && !inside.Contains((status.Device, status.Inode)))
            return Quarantine(relative, QuarantineCodes.LinkOutsideRoot,
                $"a link to '{LinkTarget(path)}', outside the dataset folder: links are followed only to files inside it; copy the file in");
        return status;
    }

    private FileStatus? Quarantine(string relative, string code, string message)
    {
        _quarantine.Add(new QuarantinedFile(relative, code, message));
        return null;
    }

    private static string LinkTarget(string path) => new FileInfo(path).LinkTarget ?? "?";

    /// <summary>The content's SHA-256, reading only a regular file; null (and quarantined) when it cannot be read.</summary>
    private string? Hash(string relative)
    {
        try
        {
            using var stream = RegularFiles.OpenRead(Path.Combine(root, relative));
            return Convert.ToHexStringLower(SHA256.HashData(stream));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _quarantine.Add(new QuarantinedFile(relative, QuarantineCodes.Unreadable, $"the file could not be read: {e.Message}"));
            return null;
        }
    }
}
