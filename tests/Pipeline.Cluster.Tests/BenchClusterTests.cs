using System.Text.Json;
using Pipeline.Testing;

namespace Pipeline.Cluster.Tests;

/// <summary>`bench cluster` with the smallest settings: one run of one epoch on the fixture's tiny dataset, embedded and on a deployment of its own.</summary>
[Trait("Category", "Cluster")]
[Collection(ClusterCollection.Name)]
public sealed class BenchClusterTests(ClusterFixture cluster)
{
    private static readonly TimeSpan BenchTimeout = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task Bench_cluster_reports_wall_compute_and_overhead_per_configuration_and_takes_its_deployment_down()
    {
        var work = Path.Combine(cluster.Dir, "bench");
        var bench = await PipelineCli.RunAsync(BenchTimeout, "bench", "cluster", cluster.DataDir, "--runs", "1", "--epochs", "1",
            "--configs", "embedded,1x1", "--work-dir", work, "--keep", "--json");

        Assert.True(bench.ExitCode == 0, bench.ToString());
        var json = bench.Json();
        Assert.Equal(ClusterFixture.ImagesPerClass * 10, json.GetProperty("images").GetInt32());
        var configurations = json.GetProperty("configurations").EnumerateArray().ToList();
        Assert.Equal(["embedded", "1x1"], configurations.Select(c => c.GetProperty("name").GetString()));
        foreach (var configuration in configurations)
        {
            var (wall, compute, ideal) = (Seconds(configuration, "wallSeconds"), Seconds(configuration, "computeSeconds"), Seconds(configuration, "idealSeconds"));
            Assert.Equal(compute / configuration.GetProperty("trainers").GetInt32(), ideal, precision: 2);
            Assert.Equal((wall - ideal) / ideal, configuration.GetProperty("overhead").GetDouble(), precision: 2);
            var run = Assert.Single(configuration.GetProperty("runs").EnumerateArray());
            Assert.Equal("Completed", run.GetProperty("state").GetString());
            var stages = run.GetProperty("computeSeconds");
            Assert.Equal(["evaluate", "preprocess", "train"], stages.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
            Assert.All(stages.EnumerateObject(), stage => Assert.True(stage.Value.GetDouble() > 0, $"{stage.Name}: {stage.Value}"));
            // The run's wall time holds its stages' compute and the messages between them.
            Assert.True(Seconds(run, "wallSeconds") > stages.EnumerateObject().Sum(stage => stage.Value.GetDouble()), run.ToString());
            Assert.True(configuration.GetProperty("cpuSeconds").EnumerateObject().Any(), configuration.ToString());
        }
        var deployed = configurations[1];
        Assert.True(deployed.GetProperty("storeObjects").GetInt32() > 0, deployed.ToString());
        Assert.All(new[] { "orchestrator-1", "trainer-1", "rabbitmq-1" }, process =>
            Assert.True(deployed.GetProperty("cpuSeconds").GetProperty(process).GetDouble() > 0, deployed.ToString()));

        var status = await PipelineCli.RunAsync(ClusterFixture.CommandTimeout, "cluster", "status", "--dir", Path.Combine(work, "1x1", "cluster"), "--json");
        Assert.All(status.Json().GetProperty("processes").EnumerateArray(), p => Assert.False(p.GetProperty("alive").GetBoolean(), p.ToString()));
    }

    private static double Seconds(JsonElement element, string name)
    {
        var seconds = element.GetProperty(name).GetDouble();
        Assert.True(seconds > 0, $"{name}: {element}");
        return seconds;
    }
}
