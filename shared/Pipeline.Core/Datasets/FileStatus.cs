namespace Pipeline.Datasets;

/// <summary>A file's type and identity: two paths with the same device and inode are the same file.</summary>
public readonly record struct FileStatus(FileType Type, ulong Device, ulong Inode, long Size)
{
    public static readonly FileStatus Missing = new(FileType.Missing, 0, 0, 0);

    /// <summary>"a FIFO", "a character device", ... for messages.</summary>
    public string Describe() => Type switch
    {
        FileType.Regular => "a regular file",
        FileType.Directory => "a folder",
        FileType.SymbolicLink => "a symbolic link",
        FileType.Fifo => "a FIFO (named pipe)",
        FileType.CharacterDevice => "a character device",
        FileType.BlockDevice => "a block device",
        FileType.Socket => "a socket",
        _ => "nothing (the target does not exist)",
    };
}
