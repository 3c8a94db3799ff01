namespace Pipeline.Datasets;

/// <summary>What a directory entry is, as the file system says (not what its name suggests).</summary>
public enum FileType
{
    Regular,
    Directory,
    SymbolicLink,
    Fifo,
    CharacterDevice,
    BlockDevice,
    Socket,
    /// <summary>A link whose target does not exist.</summary>
    Missing,
}
