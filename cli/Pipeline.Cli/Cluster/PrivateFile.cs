using System.Text;

namespace Pipeline.Cli.Cluster;

/// <summary>Files only their owner may read (mode 0600), written whole or not at all.</summary>
public static class PrivateFile
{
    public const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>
    /// Writes a temporary file created with mode 0600 (never wider, not even for a moment) and renames it over
    /// <paramref name="path"/>: a reader sees the old file or the new one, never half of one.
    /// </summary>
    public static void Write(string path, string content, UnixFileMode mode = OwnerOnly)
    {
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
                options.UnixCreateMode = mode;
            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(Encoding.UTF8.GetBytes(content));
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
