using System.Runtime.InteropServices;

namespace Pipeline.Storage;

/// <summary>
/// What makes a rename durable on Linux: the file's data reaches the disk before the rename, and the folder's entry
/// after it. Without both, a power loss can leave a renamed but empty file (a run database saying Completed beside an
/// empty model).
/// </summary>
internal static class DurableFiles
{
    private const int ReadOnly = 0;      // O_RDONLY
    private const int Directory = 65536; // O_DIRECTORY on x86-64 and arm64 Linux
    private const int AlreadyExists = 17; // EEXIST
    private const int NotPermitted = 1;   // EPERM: the file system has no hard links (FAT, some FUSE mounts)

    /// <summary>Flushes a folder's entries (new, renamed, removed files) to the disk. Best effort where the OS has no such call.</summary>
    public static void SyncFolder(string folder)
    {
        if (!OperatingSystem.IsLinux())
            return;
        var handle = Open(folder, ReadOnly | Directory);
        if (handle < 0)
            throw new IOException($"Cannot open the folder '{folder}' to flush it (errno {Marshal.GetLastPInvokeError()}).");
        try
        {
            if (Fsync(handle) != 0)
                throw new IOException($"Cannot flush the folder '{folder}' to the disk (errno {Marshal.GetLastPInvokeError()}).");
        }
        finally
        {
            Close(handle);
        }
    }

    /// <summary>
    /// Moves <paramref name="source"/> to <paramref name="destination"/> unless the destination exists, atomically:
    /// false when another writer got there first. File.Move without overwrite checks, then renames, so two racing
    /// writers can both "win"; a hard link fails with EEXIST in one step.
    /// </summary>
    public static bool MoveIfAbsent(string source, string destination)
    {
        if (OperatingSystem.IsLinux())
        {
            if (Link(source, destination) == 0)
            {
                File.Delete(source);
                return true;
            }
            var errno = Marshal.GetLastPInvokeError();
            if (errno == AlreadyExists)
            {
                File.Delete(source);
                return false;
            }
            if (errno != NotPermitted)
                throw new IOException($"Cannot publish '{source}' as '{destination}' (errno {errno}).");
        }
        // Best effort where there is no atomic way: check, then rename.
        try
        {
            File.Move(source, destination, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(destination))
        {
            File.Delete(source);
            return false;
        }
    }

    // DllImport rather than LibraryImport: the generated marshalling would need unsafe code for these trivial calls.
    [DllImport("libc", EntryPoint = "link", SetLastError = true)]
    private static extern int Link([MarshalAs(UnmanagedType.LPUTF8Str)] string existing, [MarshalAs(UnmanagedType.LPUTF8Str)] string created);

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static extern int Fsync(int fd);

    [DllImport("libc", EntryPoint = "close")]
    private static extern int Close(int fd);
}
