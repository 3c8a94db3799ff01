namespace Pipeline.Cluster.Tests;

[Trait("Category", "Cluster")]
[Collection(ClusterCollection.Name)]
public sealed class ProcessTests(ClusterFixture cluster)
{
    [Fact]
    public async Task A_killed_trainer_is_seen_as_down_and_starts_again_with_the_same_configuration()
    {
        var before = cluster.Process("trainer", 2);
        var environment = PipelineVariables(before.Pid);

        await cluster.StopAsync("trainer", 2, kill: true);

        Assert.False(ProcFs.IsRunning(before.Pid));
        var status = await cluster.StatusAsync();
        Assert.True(status.ExitCode == 1, status.ToString());
        var trainer = status.Json().GetProperty("processes").EnumerateArray()
            .Single(p => p.GetProperty("name").GetString() == "trainer" && p.GetProperty("index").GetInt32() == 2);
        Assert.False(trainer.GetProperty("alive").GetBoolean());

        await cluster.StartAsync("trainer", 2);

        var after = cluster.Process("trainer", 2);
        Assert.NotEqual(before.Pid, after.Pid);
        Assert.Equal(before.Url, after.Url);
        Assert.Equal(environment, PipelineVariables(after.Pid));
        var again = await cluster.StatusAsync();
        Assert.True(again.ExitCode == 0, again.ToString());
    }

    private static IReadOnlyList<KeyValuePair<string, string>> PipelineVariables(int pid) =>
        ProcFs.Environment(pid).Where(v => v.Key.StartsWith("Pipeline__", StringComparison.Ordinal)).OrderBy(v => v.Key, StringComparer.Ordinal).ToList();
}
