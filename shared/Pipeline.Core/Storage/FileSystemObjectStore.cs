using System.Runtime.CompilerServices;

namespace Pipeline.Storage;

/// <summary>
/// The embedded-mode store: one file per object under a root folder. Writes are atomic and durable (temp file, flushed,
/// renamed, folder flushed); links inside the root are never followed, so no key reaches outside it.
/// </summary>
public sealed class FileSystemObjectStore : IObjectStore
{
    private const string TempSuffix = ".partial";

    // Links (files or folders) are skipped, never followed: a link inside the root could point anywhere.
    private static readonly EnumerationOptions WithoutLinks = new() { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = true };
    private readonly string _root;

    public FileSystemObjectStore(string root)
    {
        _root = Path.GetFullPath(root);
        Directory.CreateDirectory(_root);
    }

    public string Root => _root;

    public Task PutAsync(string key, Stream content, CancellationToken cancellationToken = default) =>
        WriteAsync(key, content, replace: true, cancellationToken);

    /// <summary>Atomic: the rename refuses an existing file (link(2) underneath), so of two racing writers exactly one wins.</summary>
    public Task<bool> PutIfAbsentAsync(string key, Stream content, CancellationToken cancellationToken = default) =>
        WriteAsync(key, content, replace: false, cancellationToken);

    private async Task<bool> WriteAsync(string key, Stream content, bool replace, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        var folder = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(folder);
        // Write beside the target, then rename: a crash leaves a stray temp file, never a torn object.
        var temp = $"{path}.{Guid.NewGuid():N}{TempSuffix}";
        try
        {
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                await content.CopyToAsync(file, cancellationToken);
                file.Flush(flushToDisk: true);
            }
            if (replace)
                File.Move(temp, path, overwrite: true);
            else if (!DurableFiles.MoveIfAbsent(temp, path))
                return false;
            DurableFiles.SyncFolder(folder);
            return true;
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    public Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken = default)
    {
        var path = PathOf(key);
        try
        {
            return Task.FromResult<Stream>(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ObjectNotFoundException(key);
        }
    }

    public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default) =>
        Task.FromResult(File.Exists(PathOf(key)));

    public Task<long> SizeAsync(string key, CancellationToken cancellationToken = default) =>
        new FileInfo(PathOf(key)) is { Exists: true } file ? Task.FromResult(file.Length) : throw new ObjectNotFoundException(key);

    public async IAsyncEnumerable<string> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // A prefix need not end at a folder boundary ("runs/ab" matches "runs/abc/x"), so list from its folder.
        var folder = prefix.Contains('/') ? prefix[..prefix.LastIndexOf('/')] : "";
        var start = folder.Length == 0 ? _root : PathOf(folder);
        if (!Directory.Exists(start))
            yield break;
        var keys = Directory.EnumerateFiles(start, "*", WithoutLinks)
            .Where(path => !path.EndsWith(TempSuffix, StringComparison.Ordinal))
            .Select(path => Path.GetRelativePath(_root, path).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(key => key.StartsWith(prefix, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return key;
        }
        await Task.CompletedTask;
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        try
        {
            File.Delete(PathOf(key));
        }
        catch (DirectoryNotFoundException)
        {
            // No folder, no object: deleting a missing object is not an error.
        }
        return Task.CompletedTask;
    }

    /// <summary>Where the object with <paramref name="key"/> lives (or would live) on this machine's disk.</summary>
    public string PathOf(string key)
    {
        ObjectKey.Validate(key);
        var path = Path.GetFullPath(Path.Combine(_root, key));
        // Validation already forbids '..'; this guards against anything the rules missed.
        if (!path.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new ArgumentException($"Invalid object key '{key}': it resolves outside the store.", nameof(key));
        RefuseLinks(key, path);
        return path;
    }

    /// <summary>No part of the key below the root may be a link: the path would resolve wherever the link points.</summary>
    private void RefuseLinks(string key, string path)
    {
        for (var part = path; part.Length > _root.Length; part = Path.GetDirectoryName(part)!)
            if (new FileInfo(part).LinkTarget is not null)
                throw new ArgumentException($"Invalid object key '{key}': '{Path.GetRelativePath(_root, part)}' in the store is a link, and the store follows none.", nameof(key));
    }

    /// <summary>Cleanup on a failure path must not replace the failure: a temp file that cannot be removed stays.</summary>
    private static void TryDelete(string temp)
    {
        try
        {
            File.Delete(temp);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The original exception is the one the caller needs; the stray temp file is ignored by listing.
        }
    }
}
