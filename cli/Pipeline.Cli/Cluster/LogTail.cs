using System.Text;

namespace Pipeline.Cli.Cluster;

/// <summary>The end of a log, to show with an error instead of sending the user to look for it.</summary>
public static class LogTail
{
    public static string Read(string path, int lines = 20)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            // The last 16 KiB hold the last lines of any log here; reading all of a long log would be wasted.
            stream.Seek(Math.Max(0, stream.Length - 16 * 1024), SeekOrigin.Begin);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var tail = reader.ReadToEnd().Split('\n').Select(l => l.TrimEnd('\r')).ToList();
            while (tail.Count > 0 && tail[^1].Length == 0)
                tail.RemoveAt(tail.Count - 1);
            return tail.Count == 0 ? "  (the log is empty)" : string.Join('\n', tail.TakeLast(lines).Select(l => "  " + l));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"  (no log: {e.Message})";
        }
    }
}
