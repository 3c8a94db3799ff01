using System.Globalization;

namespace Pipeline.Cluster.Tests;

/// <summary>What Linux says about a process (/proc): whether it runs, its environment, its command line.</summary>
public static class ProcFs
{
    /// <summary>True while the process exists and is not a zombie (a container's init may leave zombies unreaped).</summary>
    public static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{Text(pid)}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] is not ('Z' or 'X');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public static IReadOnlyDictionary<string, string> Environment(int pid) =>
        File.ReadAllText($"/proc/{Text(pid)}/environ")
            .Split('\0', StringSplitOptions.RemoveEmptyEntries)
            .Select(entry => entry.Split('=', 2))
            .Where(pair => pair.Length == 2)
            .GroupBy(pair => pair[0])
            .ToDictionary(g => g.Key, g => g.Last()[1]);

    public static IReadOnlyList<string> CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{Text(pid)}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>Running processes whose command line contains <paramref name="text"/> (e.g. a deployment's folder).</summary>
    public static IReadOnlyList<int> Find(string text) =>
        Directory.EnumerateDirectories("/proc")
            .Select(d => int.TryParse(Path.GetFileName(d), CultureInfo.InvariantCulture, out var pid) ? pid : 0)
            .Where(pid => pid > 0 && pid != System.Environment.ProcessId && IsRunning(pid)
                          && CommandLine(pid).Any(argument => argument.Contains(text, StringComparison.Ordinal)))
            .ToList();

    private static string Text(int pid) => pid.ToString(CultureInfo.InvariantCulture);
}
