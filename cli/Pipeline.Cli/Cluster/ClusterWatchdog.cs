namespace Pipeline.Cli.Cluster;

/// <summary>
/// `cluster watch`: started by `up --stop-with-pid`, in a session of its own, it takes the deployment down when its
/// owner (a test run, a script) exits, even when the owner was killed and could not call `down` itself.
/// </summary>
public static class ClusterWatchdog
{
    public static async Task RunAsync(ClusterPaths paths, int owner, long ownerStart, TextWriter log, CancellationToken cancellationToken)
    {
        var deployment = new ClusterDeployment(paths, log);
        log.WriteLine($"{DateTimeOffset.Now:u} watching process {owner} for {paths.Dir}");
        while (!cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            // Another `up` of the folder has its own watchdog (or none): this one has nothing left to guard.
            if (deployment.Load()?.Watchdog?.Pid != Environment.ProcessId)
                return;
            if (LinuxProcess.IsAlive(owner, ownerStart))
                continue;
            log.WriteLine($"{DateTimeOffset.Now:u} process {owner} has exited: taking the deployment down");
            try
            {
                var stopped = await deployment.DownAsync(TimeSpan.FromSeconds(10), cancellationToken);
                log.WriteLine($"{DateTimeOffset.Now:u} stopped {(stopped.Count == 0 ? "nothing (all was down)" : string.Join(", ", stopped))}");
                return;
            }
            catch (ClusterException e)
            {
                log.WriteLine($"{DateTimeOffset.Now:u} {e.Message} (trying again)");
            }
        }
    }
}
