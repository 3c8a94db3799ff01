using System.Diagnostics;
using System.Globalization;

namespace Pipeline.Orchestrator.Runs;

/// <summary>
/// A process named by id and start time, so that a recycled process id is never taken for the process that owned a run.
/// </summary>
public static class ProcessIdentity
{
    public static string Current { get; } = Of(Process.GetCurrentProcess());

    /// <summary>Whether the process <paramref name="identity"/> names is still running.</summary>
    public static bool IsAlive(string identity)
    {
        var separator = identity.IndexOf(':');
        if (separator < 0 || !int.TryParse(identity[..separator], NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            return false;
        try
        {
            using var process = Process.GetProcessById(pid);
            return Of(process) == identity;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false; // no such process, or it exited while we looked
        }
    }

    private static string Of(Process process) =>
        string.Create(CultureInfo.InvariantCulture, $"{process.Id}:{process.StartTime.ToUniversalTime().Ticks}");
}
