using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Pipeline.Testing;

namespace Pipeline.Cluster.Tests;

/// <summary>
/// Taking a deployment down, on deployments of their own (one trainer each) beside the shared one, which must not
/// notice: a second deployment has its own node, epmd and ports.
/// </summary>
[Trait("Category", "Cluster")]
[Collection(ClusterCollection.Name)]
public sealed class DownTests(ClusterFixture cluster)
{
    [Fact]
    public async Task Down_stops_every_process_it_started_and_nothing_else()
    {
        using var temp = new TempDirectory();
        var dir = temp.Combine("cluster");
        try
        {
            var processes = await UpAsync(dir, Environment.ProcessId);
            Assert.NotEqual(ClusterNode(cluster.Dir), ClusterNode(dir));

            var down = await PipelineCli.RunAsync(ClusterFixture.CommandTimeout, "cluster", "down", "--dir", dir, "--json");

            Assert.True(down.ExitCode == 0, down.ToString());
            Assert.Equal(processes.Count + 1, down.Json().GetProperty("stopped").GetArrayLength()); // and the watchdog
            AssertNothingRuns(dir, processes);
            var status = await PipelineCli.RunAsync(ClusterFixture.CommandTimeout, "cluster", "status", "--dir", dir);
            Assert.True(status.ExitCode == 1, status.ToString());
            var again = await PipelineCli.RunAsync(ClusterFixture.CommandTimeout, "cluster", "down", "--dir", dir);
            Assert.True(again.ExitCode == 0, again.ToString());
            Assert.Contains("Nothing was running", again.Stderr);
            Assert.Equal(0, (await cluster.StatusAsync()).ExitCode);
        }
        finally
        {
            await PipelineCli.RunAsync(ClusterFixture.CommandTimeout, "cluster", "down", "--dir", dir);
        }
    }

    [Fact]
    public async Task A_deployment_goes_down_when_the_process_it_was_tied_to_dies()
    {
        using var temp = new TempDirectory();
        var dir = temp.Combine("cluster");
        // The owner waits on a pipe from this test host, so that it ends with the test host too: a killed test run
        // then still takes this deployment down (a `sleep` would outlive it and hold the deployment up).
        using var owner = Process.Start(new ProcessStartInfo("sh", ["-c", "read line"]) { UseShellExecute = false, RedirectStandardInput = true })!;
        try
        {
            var processes = await UpAsync(dir, owner.Id);

            owner.Kill();

            var deadline = DateTime.UtcNow.AddSeconds(60);
            // The watchdog itself names the folder too, and exits once it has taken the deployment down.
            while ((processes.Any(p => ProcFs.IsRunning(p.Pid)) || ProcFs.Find(dir).Count > 0) && DateTime.UtcNow < deadline)
                await Task.Delay(250);
            AssertNothingRuns(dir, processes);
            Assert.Contains("taking the deployment down", await File.ReadAllTextAsync(Path.Combine(dir, "logs", "watchdog-1.log")));
        }
        finally
        {
            if (!owner.HasExited)
                owner.Kill();
            await PipelineCli.RunAsync(ClusterFixture.CommandTimeout, "cluster", "down", "--dir", dir);
        }
    }

    private static async Task<IReadOnlyList<ClusterProcess>> UpAsync(string dir, int owner)
    {
        var up = await PipelineCli.RunAsync(ClusterFixture.UpTimeout, "cluster", "up", "--dir", dir, "--json",
            "--stop-with-pid", owner.ToString(CultureInfo.InvariantCulture));
        Assert.True(up.ExitCode == 0, up.ToString());
        return up.Json().GetProperty("processes").EnumerateArray().Select(ClusterProcess.Of).ToList();
    }

    /// <summary>None of the processes runs, nor anything else that names the folder (the broker, the watchdog).</summary>
    private static void AssertNothingRuns(string dir, IReadOnlyList<ClusterProcess> processes)
    {
        Assert.Empty(processes.Where(p => ProcFs.IsRunning(p.Pid)).Select(p => p.Id));
        Assert.Empty(ProcFs.Find(dir));
    }

    private static string ClusterNode(string dir)
    {
        using var description = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "cluster.json")));
        return description.RootElement.GetProperty("rabbitMq").GetProperty("nodeName").GetString()!;
    }
}
