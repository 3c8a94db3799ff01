using System.Globalization;
using System.Runtime.InteropServices;

namespace Pipeline.Cli.Cluster;

/// <summary>
/// Processes named by pid and start time (clock ticks since boot, from /proc), so that a recycled pid is never taken
/// for one of ours, and signals sent to them. Linux only, like the deployment.
/// </summary>
public static class LinuxProcess
{
    public const int SigTerm = 15;
    public const int SigKill = 9;

    /// <summary>The start time of <paramref name="pid"/>, or null when there is no such process (or only its zombie).</summary>
    public static long? StartTime(int pid) =>
        StatFields(pid) is { } fields ? long.Parse(fields[19], CultureInfo.InvariantCulture) : null; // field 22 of stat(5), counted after the name

    /// <summary>CPU seconds (user + system) that our process has used so far, or null when it is gone.</summary>
    public static double? CpuSeconds(int pid, long startTime)
    {
        if (StatFields(pid) is not { } fields || long.Parse(fields[19], CultureInfo.InvariantCulture) != startTime)
            return null;
        // Fields 14 and 15 of stat(5): utime and stime, in clock ticks.
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return (double)ticks / SysConf(ClockTicksPerSecond);
    }

    /// <summary>The fields of /proc/PID/stat after the command name, or null when there is no such process (or only its zombie).</summary>
    private static string[]? StatFields(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        // The command name (field 2) may hold spaces and parentheses: the fields we want follow the last ')'.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // Zombies keep their pid until reaped, and the init of a container may never reap them: they are dead to us.
        return fields[0] is "Z" or "X" ? null : fields;
    }

    public static bool IsAlive(int pid, long startTime) => pid > 0 && StartTime(pid) == startTime;

    /// <summary>The arguments a process was started with (empty when it is gone or unreadable).</summary>
    public static IReadOnlyList<string> CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>
    /// Stops the process <paramref name="pid"/> if it is still the one that started at <paramref name="startTime"/>:
    /// SIGTERM to its process group (it leads one: the launcher made it a session leader), then SIGKILL after
    /// <paramref name="grace"/>. Returns false when it was not running.
    /// </summary>
    public static async Task<bool> StopAsync(int pid, long startTime, TimeSpan grace, bool groupLeader = true)
    {
        if (!IsAlive(pid, startTime))
            return false;
        Signal(pid, startTime, SigTerm, groupLeader);
        if (await WaitForExitAsync(pid, startTime, grace))
            return true;
        Signal(pid, startTime, SigKill, groupLeader);
        await WaitForExitAsync(pid, startTime, TimeSpan.FromSeconds(10));
        return true;
    }

    /// <summary>Sends <paramref name="signal"/> to the process (and its group) only when pid and start time still match.</summary>
    public static void Signal(int pid, long startTime, int signal, bool groupLeader = true)
    {
        if (!IsAlive(pid, startTime))
            return;
        // The group first: children (node's, erl's) go with their leader. A process that is not a group leader
        // (or left its group) has no group of that id, and kill(-pid) fails harmlessly with ESRCH.
        if (groupLeader)
            _ = Kill(-pid, signal);
        _ = Kill(pid, signal);
    }

    public static async Task<bool> WaitForExitAsync(int pid, long startTime, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (IsAlive(pid, startTime))
        {
            if (DateTime.UtcNow >= deadline)
                return false;
            await Task.Delay(100);
        }
        return true;
    }

    // DllImport rather than LibraryImport: the generated stub would need unsafe code enabled for the whole CLI.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    /// <summary>_SC_CLK_TCK in glibc's numbering.</summary>
    private const int ClockTicksPerSecond = 2;

    [DllImport("libc", EntryPoint = "sysconf")]
    private static extern long SysConf(int name);
}
