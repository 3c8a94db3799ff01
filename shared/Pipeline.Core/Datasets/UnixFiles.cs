using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Pipeline.Datasets;

/// <summary>
/// statx(2) and open(2) for what .NET does not tell: whether an entry is a FIFO, device or socket, and its device and
/// inode. statx's struct has one layout on every Linux architecture, unlike stat's.
/// </summary>
internal static class UnixFiles
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxBasicStats = 0x7FF;
    private const int StatxBytes = 256;
    private const int OpenReadOnly = 0;
    private const int OpenNonBlocking = 0x800;
    private const int OpenCloseOnExec = 0x80000;
    // A broken link leads nowhere: no such file, a file where a folder should be, or a loop of links.
    private static readonly int[] LeadsNowhere = [2, 20, 40];

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern int Statx(int directory, string path, int flags, uint mask, [Out] byte[] buffer);

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open(string path, int flags);

    /// <summary>The entry itself; a symbolic link is reported as one, not followed.</summary>
    public static FileStatus Entry(string path) => Status(AtFdCwd, path, AtSymlinkNoFollow);

    /// <summary>What the path leads to, links followed; <see cref="FileStatus.Missing"/> for a broken link.</summary>
    public static FileStatus Target(string path) => Status(AtFdCwd, path, 0);

    /// <summary>
    /// Opens a path for reading only when it leads to a regular file. Non-blocking, so that a FIFO swapped in since it
    /// was listed cannot hang the open; the type is checked on the open handle, so nothing can be swapped in after.
    /// </summary>
    /// <exception cref="IOException">The path does not lead to a regular file, or cannot be opened.</exception>
    public static SafeFileHandle OpenRegularFile(string path)
    {
        var descriptor = Open(path, OpenReadOnly | OpenNonBlocking | OpenCloseOnExec);
        if (descriptor < 0)
            throw Error(path);
        var handle = new SafeFileHandle(descriptor, ownsHandle: true);
        var status = Status(descriptor, "", AtEmptyPath);
        if (status.Type != FileType.Regular)
        {
            handle.Dispose();
            throw new IOException($"'{path}' is {status.Describe()}, not a regular file; it is not read.");
        }
        return handle;
    }

    private static FileStatus Status(int directory, string path, int flags)
    {
        var buffer = new byte[StatxBytes];
        if (Statx(directory, path, flags, StatxBasicStats, buffer) != 0)
            return LeadsNowhere.Contains(Marshal.GetLastPInvokeError()) ? FileStatus.Missing : throw Error(path);
        var mode = BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(28));
        var device = ((ulong)BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(136)) << 32) | BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(140));
        return new FileStatus(TypeOf(mode), device, BinaryPrimitives.ReadUInt64LittleEndian(buffer.AsSpan(32)), (long)BinaryPrimitives.ReadUInt64LittleEndian(buffer.AsSpan(40)));
    }

    private static FileType TypeOf(ushort mode) => (mode & 0xF000) switch
    {
        0x8000 => FileType.Regular,
        0x4000 => FileType.Directory,
        0xA000 => FileType.SymbolicLink,
        0x1000 => FileType.Fifo,
        0x2000 => FileType.CharacterDevice,
        0x6000 => FileType.BlockDevice,
        _ => FileType.Socket,
    };

    private static IOException Error(string path) => new($"'{path}': {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
}
