using System.Formats.Tar;

namespace Pipeline.Datasets;

/// <summary>
/// Reads an ImageFolder packed as a tar stream (what a client uploads) straight into the store as a named dataset,
/// entry by entry, never holding more than one file. The ImageFolder rules decide which entries count; links and
/// special files are never followed or stored.
/// </summary>
public static class TarDatasetImport
{
    public static async Task<DatasetUpload> ImportAsync(Storage.IObjectStore store, string name, Stream tar, CancellationToken cancellationToken = default)
    {
        var writer = new DatasetWriter(store, name);
        var skipped = new SkipTally();
        var stored = new List<string>();
        await using var reader = new TarReader(tar, leaveOpen: true);
        TarEntry? entry;
        while ((entry = await reader.GetNextEntryAsync(copyData: false, cancellationToken)) is not null)
        {
            if (entry.EntryType is TarEntryType.Directory)
                continue;
            var path = RelativePath(entry.Name);
            if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile) || path is null)
                skipped.NotImage(); // links, devices, absolute or escaping paths: never stored
            else if (skipped.Admit(path))
            {
                stored.Add(path);
                await writer.AddAsync(path, entry.DataStream ?? Stream.Null, cancellationToken);
            }
        }
        var preSplit = ImageFolder.IsPreSplit(stored.Select(path => path[..path.IndexOf('/')]).Distinct());
        var classes = stored.Select(path => ImageFolder.Locate(path, preSplit)?.Class).OfType<string>().Distinct().Order(StringComparer.Ordinal).ToArray();
        if (classes.Length < 2)
            throw new PipelineException(
                $"The archive holds images in {classes.Length} class folder{(classes.Length == 1 ? "" : "s")}; an ImageFolder needs at least two: " +
                "one folder of images per class at the top of the archive, e.g. cats/1.jpg and dogs/1.jpg.");
        return await writer.CompleteAsync(classes, skipped.Skipped(), [], preSplit, cancellationToken);
    }

    /// <summary>The entry's path inside the ImageFolder ('./' dropped); null when it is absolute or leaves the folder.</summary>
    private static string? RelativePath(string name)
    {
        var path = name.Replace('\\', '/');
        while (path.StartsWith("./", StringComparison.Ordinal))
            path = path[2..];
        return path.Length == 0 || path.StartsWith('/') || path.Split('/').Any(segment => segment is ".." or "") ? null : path;
    }
}
