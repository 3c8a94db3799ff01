using System.Text.Json;
using Pipeline.Testing;

namespace Pipeline.Cluster.Tests;

/// <summary>
/// `bench cluster` with the smallest settings: one run of one epoch on the fixture's tiny dataset, on a deployment of its
/// own with one trainer (embedded mode shares the measuring code; its compute seconds are checked by the end-to-end run test).
/// </summary>
[Trait("Category", "Cluster")]
[Collection(ClusterCollection.Name)]
public sealed class BenchClusterTests(ClusterFixture cluster)
{
    /// <summary>About a minute on an idle 2-core machine; generous because the machine is often shared.</summary>
    private static readonly TimeSpan BenchTimeout = TimeSpan.FromMinutes(10);

    [Fact]
    public async Task Bench_cluster_reports_wall_compute_and_overhead_of_a_deployment_it_brings_up_and_takes_down()
    {
        // Not inside the fixture's folder: that goes when the fixture does, maybe before a failed benchmark's watchdog took its deployment down.
        var work = Path.Combine(Path.GetTempPath(), "pipeline-bench-tests", Guid.NewGuid().ToString("N")[..12]);
        var bench = await PipelineCli.RunAsync(BenchTimeout, "bench", "cluster", cluster.DataDir, "--runs", "1", "--epochs", "1",
            "--configs", "1x1", "--work-dir", work, "--keep", "--json");

        Assert.True(bench.ExitCode == 0, bench.ToString());
        var json = bench.Json();
        Assert.Equal(ClusterFixture.ImagesPerClass * 10, json.GetProperty("images").GetInt32());
        var configuration = Assert.Single(json.GetProperty("configurations").EnumerateArray());
        Assert.Equal(("1x1", "cluster", 1, 1), (configuration.GetProperty("name").GetString(), configuration.GetProperty("mode").GetString(),
            configuration.GetProperty("trainers").GetInt32(), configuration.GetProperty("threadsPerTrainer").GetInt32()));
        var (wall, compute, ideal) = (Seconds(configuration, "wallSeconds"), Seconds(configuration, "computeSeconds"), Seconds(configuration, "idealSeconds"));
        Assert.Equal(compute, ideal, precision: 2);
        Assert.Equal((wall - ideal) / ideal, configuration.GetProperty("overhead").GetDouble(), precision: 2);
        // One run on one trainer: its stages follow one another, so the critical path is all of its compute.
        Assert.Equal(compute, Seconds(configuration, "criticalPathSeconds"), precision: 2);
        Assert.Equal(configuration.GetProperty("overhead").GetDouble(), configuration.GetProperty("criticalPathOverhead").GetDouble(), precision: 2);
        var run = Assert.Single(configuration.GetProperty("runs").EnumerateArray());
        Assert.Equal("Completed", run.GetProperty("state").GetString());
        var stages = run.GetProperty("computeSeconds");
        Assert.Equal(["evaluate", "preprocess", "train"], stages.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.All(stages.EnumerateObject(), stage => Assert.True(stage.Value.GetDouble() > 0, $"{stage.Name}: {stage.Value}"));
        // The run's wall time holds its stages' compute and the messages between them.
        Assert.True(Seconds(run, "wallSeconds") > stages.EnumerateObject().Sum(stage => stage.Value.GetDouble()), run.ToString());
        Assert.True(configuration.GetProperty("storeObjects").GetInt32() > 0, configuration.ToString());
        Assert.All(new[] { "orchestrator-1", "trainer-1", "rabbitmq-1" }, process =>
            Assert.True(configuration.GetProperty("cpuSeconds").GetProperty(process).GetDouble() > 0, configuration.ToString()));

        var status = await PipelineCli.RunAsync(ClusterFixture.CommandTimeout, "cluster", "status", "--dir", Path.Combine(work, "1x1", "cluster"), "--json");
        Assert.All(status.Json().GetProperty("processes").EnumerateArray(), p => Assert.False(p.GetProperty("alive").GetBoolean(), p.ToString()));
        Directory.Delete(work, recursive: true);
    }

    private static double Seconds(JsonElement element, string name)
    {
        var seconds = element.GetProperty(name).GetDouble();
        Assert.True(seconds > 0, $"{name}: {element}");
        return seconds;
    }
}
