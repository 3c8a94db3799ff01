using System.ComponentModel;
using System.Diagnostics;

namespace Pipeline.Cli.Cluster;

/// <summary>
/// Starts a long-lived process detached from this CLI: in a session (and process group) of its own, so that Ctrl+C
/// or a signal to the CLI never reaches it and `down` can signal its whole group; stdin from /dev/null and stdout and
/// stderr appended to its log, so that it holds none of the CLI's pipes (a caller reading our stdout to its end would
/// otherwise wait for the deployment to stop).
/// </summary>
public static class ProcessLauncher
{
    // setsid(1) calls setsid() and execs in place (no fork: a child of .NET is never a group leader), and bash only
    // redirects and execs: the pid we get is the pid of the program itself.
    private const string Redirect = "log=$1; shift; exec \"$@\" >>\"$log\" 2>&1 </dev/null";

    public static LaunchedProcess Start(LaunchSpec spec)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(spec.Log)!);
        File.AppendAllText(spec.Log, ""); // there from the start, for whoever reads it while the shell opens it
        var start = new ProcessStartInfo("setsid")
        {
            UseShellExecute = false,
            WorkingDirectory = spec.WorkingDirectory,
            // bash, not sh: Debian's sh (dash) drops variables whose names are not shell names, and .NET's are
            // (Logging__LogLevel__Pipeline.Storage).
            ArgumentList = { "/bin/bash", "-c", Redirect, "bash", spec.Log, spec.FileName },
        };
        foreach (var argument in spec.Arguments)
            start.ArgumentList.Add(argument);
        // Configured only by what the deployment sets: a Pipeline__ variable left in the user's shell must not leak in.
        foreach (var inherited in start.Environment.Keys.Where(k => k.StartsWith("Pipeline__", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(inherited);
        foreach (var (name, value) in spec.Environment)
            start.Environment[name] = value;

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new ClusterException($"{spec.Name} {spec.Index} did not start.");
        }
        catch (Win32Exception e)
        {
            throw new ClusterException($"Could not start {spec.Name} {spec.Index} (setsid: {e.Message}): setsid is in util-linux, which every Debian has.");
        }
        // Read at once: the start time is what makes this pid ours later on.
        var startTime = LinuxProcess.StartTime(process.Id);
        if (startTime is null)
        {
            process.WaitForExit(TimeSpan.FromSeconds(5));
            throw new ClusterException(
                $"{spec.Name} {spec.Index} exited at once ({spec.FileName}). Last lines of {spec.Log}:\n{LogTail.Read(spec.Log)}");
        }
        return new LaunchedProcess(new ProcessRecord(spec.Name, spec.Index, process.Id, startTime.Value, spec.Port, spec.Url, spec.Log), process);
    }
}
