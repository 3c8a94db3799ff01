using System.Text.Json;
using Pipeline.Testing;

namespace Pipeline.Cluster.Tests;

/// <summary>Distributed mode when things break: proven on the shared deployment with real processes.</summary>
[Trait("Category", "Cluster")]
[Collection(ClusterCollection.Name)]
public sealed class ChaosTests(ClusterFixture cluster)
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(6);

    [Fact]
    public async Task A_poison_message_ends_in_the_error_queue_and_fails_its_run_with_the_reason()
    {
        await ClusterRuns.UploadAsync(cluster, "poison");
        await cluster.StopAsync("evaluator");
        await cluster.StartAsync("evaluator", 1, "PIPELINE_FAILPOINTS=evaluate.throw");
        try
        {
            var runId = await ClusterRuns.SubmitAsync(cluster, ClusterRuns.Spec("poison", seed: 99));

            var run = await ClusterRuns.WaitAsync(cluster, runId, RunTimeout);

            Assert.Equal("Failed", run.GetProperty("state").GetString());
            Assert.Contains("evaluate: gave up after 4 attempts (the message is in its error queue)", run.GetProperty("error").GetString());
            Assert.Contains("Failpoint evaluate.throw is on", run.GetProperty("error").GetString());
            Assert.True(await MessagesInAsync("evaluate-model_error") >= 1, "the faulted command is not in evaluate-model_error");
        }
        finally
        {
            await cluster.StopAsync("evaluator");
            await cluster.StartAsync("evaluator");
        }
    }

    [Fact]
    public async Task A_trainer_killed_mid_epoch_hands_its_trial_to_another_that_resumes_from_the_last_checkpoint()
    {
        await ClusterRuns.UploadAsync(cluster, "killed-trainer");
        // A short lease, so that the dead trainer's trial is sent again within seconds rather than minutes.
        await cluster.StopAsync("orchestrator");
        await cluster.StartAsync("orchestrator", 1, "Pipeline__Orchestrator__TrialLease=00:00:12");
        try
        {
            var runId = await ClusterRuns.SubmitAsync(cluster, ClusterRuns.Spec("killed-trainer", seed: 31, epochs: 3));
            var (trainer, _) = await WaitForEpochAsync(runId, epoch: 1);

            await cluster.StopAsync("trainer", trainer, kill: true);
            var run = await ClusterRuns.WaitAsync(cluster, runId, RunTimeout);
            await cluster.StartAsync("trainer", trainer);

            Assert.Equal("Completed", run.GetProperty("state").GetString());
            var epochs = new List<(int Trainer, int Epoch)>();
            for (var t = 1; t <= ClusterFixture.Trainers; t++)
                epochs.AddRange(EpochsOf(runId, await File.ReadAllTextAsync(cluster.Process("trainer", t).Log)).Select(e => (t, e)));
            // The last epoch was trained by another trainer (logs are per trainer, so order comes from the epoch numbers).
            var resumedBy = Assert.Single(epochs, e => e.Epoch == 3).Trainer;
            Assert.NotEqual(trainer, resumedBy);
            // Epoch 1 was checkpointed before the kill: at most the epoch in progress is done again.
            Assert.DoesNotContain((resumedBy, 1), epochs);
            Assert.Contains("resuming after epoch", await File.ReadAllTextAsync(cluster.Process("trainer", resumedBy).Log));
        }
        finally
        {
            await cluster.StopAsync("orchestrator");
            await cluster.StartAsync("orchestrator");
        }
    }

    [Fact]
    public async Task A_cancelled_run_is_not_trained_by_a_redelivered_command()
    {
        await ClusterRuns.UploadAsync(cluster, "cancelled");
        var runId = await ClusterRuns.SubmitAsync(cluster, ClusterRuns.Spec("cancelled", seed: 17, epochs: 5));
        var (trainer, _) = await WaitForEpochAsync(runId, epoch: 1);

        // Cancelled, then the trainer dies before it noticed: RabbitMQ delivers the command again to another trainer.
        using (var cancel = await cluster.Http.PostAsync($"/runs/{runId}/cancel", content: null))
            Assert.True(cancel.IsSuccessStatusCode);
        await cluster.StopAsync("trainer", trainer, kill: true);
        await cluster.StartAsync("trainer", trainer);
        await Task.Delay(TimeSpan.FromSeconds(10));

        Assert.Equal("Cancelled", (await ClusterRuns.GetAsync(cluster, runId)).GetProperty("state").GetString());
        var logs = new List<string>();
        for (var t = 1; t <= ClusterFixture.Trainers; t++)
            logs.Add(await File.ReadAllTextAsync(cluster.Process("trainer", t).Log));
        Assert.DoesNotContain(logs, log => EpochsOf(runId, log).Contains(2));
    }

    [Fact]
    public async Task A_stage_that_never_answers_fails_its_run_at_the_deadline_and_the_cli_exits_1()
    {
        await cluster.StopAsync("preprocessor");
        await cluster.StopAsync("orchestrator");
        await cluster.StartAsync("orchestrator", 1, "Pipeline__Orchestrator__StageDeadline=00:00:08", "Pipeline__Orchestrator__StageResends=1");
        try
        {
            var result = await PipelineCli.RunAsync(RunTimeout, "run", cluster.DataDir, "--server", cluster.ApiUrl, "--backbone", "mlnet-resnet18",
                "--epochs", "1", "--store", Path.Combine(cluster.Dir, "client-deadline"), "--json");

            Assert.True(result.ExitCode == 1, result.ToString());
            Assert.Equal("Failed", result.Json().GetProperty("state").GetString());
            Assert.Contains("no preprocess worker answered", result.Json().GetProperty("error").GetString());
        }
        finally
        {
            await cluster.StopAsync("orchestrator");
            await cluster.StartAsync("orchestrator");
            await cluster.StartAsync("preprocessor");
        }
    }

    /// <summary>Waits until a trainer's log shows <paramref name="epoch"/> of the run done; returns that trainer and its log.</summary>
    private async Task<(int Trainer, string Log)> WaitForEpochAsync(string runId, int epoch)
    {
        var deadline = DateTime.UtcNow + RunTimeout;
        while (true)
        {
            for (var t = 1; t <= ClusterFixture.Trainers; t++)
            {
                var log = await File.ReadAllTextAsync(cluster.Process("trainer", t).Log);
                if (EpochsOf(runId, log).Contains(epoch))
                    return (t, log);
            }
            Assert.True(DateTime.UtcNow < deadline, $"No trainer finished epoch {epoch} of run {runId} in time.");
            await Task.Delay(500);
        }
    }

    private static IEnumerable<int> EpochsOf(string runId, string log) =>
        System.Text.RegularExpressions.Regex.Matches(log, $@"Run {runId} trial t1 epoch (\d+)/\d+").Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));

    private async Task<int> MessagesInAsync(string queue)
    {
        using var description = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(cluster.Dir, "cluster.json")));
        var queues = await RabbitMqCtl.RunAsync(description.RootElement.GetProperty("rabbitMq"), "list_queues", "name", "messages", "--formatter", "json", "--quiet");
        using var list = JsonDocument.Parse(queues);
        return list.RootElement.EnumerateArray().Where(q => q.GetProperty("name").GetString() == queue).Sum(q => q.GetProperty("messages").GetInt32());
    }
}
