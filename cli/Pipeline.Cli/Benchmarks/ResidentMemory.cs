using System.Diagnostics;
using Pipeline.Contracts;

namespace Pipeline.Cli.Benchmarks;

/// <summary>This process's resident set (Linux: VmRSS, and its peak VmHWM), in MiB.</summary>
internal static class ResidentMemory
{
    private const double MiB = 1024 * 1024;

    public static double CurrentMiB()
    {
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64 / MiB;
    }

    public static double PeakMiB()
    {
        using var process = Process.GetCurrentProcess();
        return process.PeakWorkingSet64 / MiB;
    }

    /// <summary>
    /// Starts a new peak, so that it covers only what follows (not the dataset's preparation): collects the managed heap,
    /// then writes 5 to /proc/self/clear_refs, which sets VmHWM to the current resident set.
    /// </summary>
    public static void ResetPeak()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PipelineException($"--memory needs Linux's /proc/self/clear_refs to reset the peak resident set ({e.Message}); run it on Linux without --memory restrictions.");
        }
    }
}
