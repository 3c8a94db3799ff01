namespace Pipeline.Cli.Cluster;

/// <summary>Installs a Debian package the deployment needs, once, with apt-get (sudo when not root).</summary>
public static class DebianPackages
{
    /// <summary>Installs <paramref name="package"/> unless <paramref name="probe"/> (a file it ships) is there.</summary>
    public static async Task EnsureAsync(string package, string probe, string duration, TextWriter progress, CancellationToken cancellationToken)
    {
        if (File.Exists(probe))
            return;
        progress.WriteLine($"Installing {package} with apt-get (once; {duration})...");
        var environment = new Dictionary<string, string> { ["DEBIAN_FRONTEND"] = "noninteractive" };
        var install = await AptAsync(["install", "-y", "-q", "--no-install-recommends", package], environment, cancellationToken);
        if (install.ExitCode != 0)
        {
            // A fresh machine may have no package lists yet.
            await AptAsync(["update", "-q"], environment, cancellationToken);
            install = await AptAsync(["install", "-y", "-q", "--no-install-recommends", package], environment, cancellationToken);
        }
        if (install.ExitCode != 0 || !File.Exists(probe))
            throw new ClusterException(
                $"Could not install {package} (apt-get exit code {install.ExitCode}):\n{Tail(install.Output)}\n" +
                $"Install it yourself (`sudo apt-get install {package}`) and run this again.", ClusterException.Refused);
    }

    private static Task<CommandResult> AptAsync(string[] arguments, Dictionary<string, string> environment, CancellationToken cancellationToken) =>
        Environment.IsPrivilegedProcess
            ? CommandRunner.RunAsync("apt-get", arguments, TimeSpan.FromMinutes(10), environment, cancellationToken: cancellationToken)
            // -n: never wait for a password that nobody can type into our redirected stdin.
            : CommandRunner.RunAsync("sudo", ["-n", "env", "DEBIAN_FRONTEND=noninteractive", "apt-get", .. arguments], TimeSpan.FromMinutes(10),
                cancellationToken: cancellationToken);

    private static string Tail(string output) => string.Join('\n', output.Split('\n').TakeLast(15));
}
