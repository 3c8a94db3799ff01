using Pipeline.Testing;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Pipeline.Cluster.Tests;

/// <summary>Distributed mode doing real work: four kinds of process over RabbitMQ and s3rver, three trainers, stages that come and go.</summary>
[Trait("Category", "Cluster")]
[Collection(ClusterCollection.Name)]
public sealed partial class DistributedRunTests(ClusterFixture cluster)
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(6);

    [Fact]
    public async Task A_run_through_the_cli_completes_over_separate_processes_and_its_report_is_downloaded()
    {
        var store = Path.Combine(cluster.Dir, "client-" + Guid.NewGuid().ToString("N")[..8]);

        var result = await PipelineCli.RunAsync(RunTimeout, "run", cluster.DataDir, "--server", cluster.ApiUrl, "--backbone", "mlnet-resnet18",
            "--epochs", "1", "--batch-size", "8", "--store", store, "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var json = result.Json();
        Assert.Equal("Completed", json.GetProperty("state").GetString());
        Assert.InRange(json.GetProperty("testAccuracy").GetDouble(), 0, 1);
        var reportDir = json.GetProperty("reportDir").GetString()!;
        Assert.StartsWith(Path.Combine(store, "reports"), reportDir);
        foreach (var file in new[] { "metrics.json", "curves.png", "confusion.png", "report.html" })
            Assert.True(new FileInfo(Path.Combine(reportDir, file)) is { Exists: true, Length: > 100 }, $"{file} was not downloaded to {reportDir}");
        Assert.Contains("epoch 1/1", result.Stderr);
        var runId = json.GetProperty("runId").GetString()!;
        // The work was done by the services, not by the client: each stage's own log names the run.
        foreach (var service in new[] { "preprocessor", "evaluator" })
            Assert.Contains(runId, await File.ReadAllTextAsync(cluster.Process(service).Log));

        // The same files again: nothing to upload.
        var again = await PipelineCli.RunAsync(ClusterFixture.CommandTimeout, "datasets", "upload", cluster.DataDir, "fashion-mnist-8", "--server", cluster.ApiUrl);
        Assert.Contains("already holds these files", again.Stderr);
    }

    [Fact]
    public async Task Three_trainers_share_six_runs_and_no_trial_is_trained_twice()
    {
        await ClusterRuns.UploadAsync(cluster, "shared-six");
        var runs = new List<string>();
        for (var seed = 1; seed <= 6; seed++)
            runs.Add(await ClusterRuns.SubmitAsync(cluster, ClusterRuns.Spec("shared-six", seed)));

        foreach (var runId in runs)
            Assert.Equal("Completed", (await ClusterRuns.WaitAsync(cluster, runId, RunTimeout)).GetProperty("state").GetString());

        // Which trainer trained which run, from the trainers' own logs ("Run <id> trial t1 epoch 1/1: ...").
        var trainedBy = new Dictionary<string, List<int>>();
        for (var trainer = 1; trainer <= ClusterFixture.Trainers; trainer++)
            foreach (Match line in EpochLine().Matches(await File.ReadAllTextAsync(cluster.Process("trainer", trainer).Log)))
                if (runs.Contains(line.Groups["run"].Value))
                    (trainedBy.TryGetValue(line.Groups["run"].Value, out var list) ? list : trainedBy[line.Groups["run"].Value] = []).Add(trainer);
        Assert.Equal(runs.Order(), trainedBy.Keys.Order());
        Assert.All(trainedBy, pair => Assert.True(pair.Value.Count == 1, $"run {pair.Key} was trained by trainers {string.Join(", ", pair.Value)}"));
        Assert.True(trainedBy.Values.Select(t => t[0]).Distinct().Count() >= 2, $"one trainer did all the work: {JsonSerializer.Serialize(trainedBy)}");
    }

    [Fact]
    public async Task A_command_sent_while_its_stage_is_down_waits_in_its_queue_until_the_stage_starts()
    {
        await ClusterRuns.UploadAsync(cluster, "stage-down");
        await cluster.StopAsync("evaluator");
        var stopped = true;
        try
        {
            var runId = await ClusterRuns.SubmitAsync(cluster, ClusterRuns.Spec("stage-down", seed: 7));
            await ClusterRuns.WaitAsync(cluster, runId, RunTimeout, run => run.GetProperty("state").GetString() == "Evaluating");
            await Task.Delay(TimeSpan.FromSeconds(3));
            Assert.Equal("Evaluating", (await ClusterRuns.GetAsync(cluster, runId)).GetProperty("state").GetString());

            await cluster.StartAsync("evaluator");
            stopped = false;

            Assert.Equal("Completed", (await ClusterRuns.WaitAsync(cluster, runId, RunTimeout)).GetProperty("state").GetString());
        }
        finally
        {
            if (stopped)
                await cluster.StartAsync("evaluator");
        }
    }

    [Fact]
    public async Task An_orchestrator_killed_between_saving_a_state_and_sending_its_command_completes_the_run_after_a_restart()
    {
        await ClusterRuns.UploadAsync(cluster, "failpoint");
        await cluster.RestartAsync("orchestrator", 1, "PIPELINE_FAILPOINTS=orchestrator.afterStateSaved");
        const int seed = 4242;

        // The orchestrator saves the run and its first command, then dies before answering or sending anything.
        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            using var response = await cluster.Http.PostAsJsonAsync("/runs", ClusterRuns.Spec("failpoint", seed));
            response.EnsureSuccessStatusCode();
        });
        await WaitUntilDeadAsync("orchestrator");
        await cluster.StartAsync("orchestrator");

        var runs = await cluster.Http.GetFromJsonAsync<JsonElement>("/runs?limit=50");
        var runId = runs.GetProperty("runs").EnumerateArray().Single(run => run.GetProperty("spec").GetProperty("dataset").GetString() == "failpoint"
                                                        && run.GetProperty("spec").GetProperty("seed").GetInt32() == seed).GetProperty("runId").GetString()!;
        Assert.Equal("Completed", (await ClusterRuns.WaitAsync(cluster, runId, RunTimeout)).GetProperty("state").GetString());
    }

    private async Task WaitUntilDeadAsync(string name)
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (true)
        {
            var status = (await cluster.StatusAsync()).Json().GetProperty("processes").EnumerateArray()
                .Single(p => p.GetProperty("name").GetString() == name && p.GetProperty("index").GetInt32() == 1);
            if (!status.GetProperty("alive").GetBoolean())
                return;
            Assert.True(DateTime.UtcNow < deadline, $"{name} is still alive a minute after its failpoint.");
            await Task.Delay(200);
        }
    }

    [GeneratedRegex(@"Run (?<run>[0-9a-f-]{36}) trial t1 epoch \d+/\d+")]
    private static partial Regex EpochLine();
}
