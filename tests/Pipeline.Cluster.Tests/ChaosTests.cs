using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
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
        // Two rounds through the redelivery queue, 3 s and 6 s apart, after the in-process retries of each.
        await cluster.RestartAsync("evaluator", 1, "PIPELINE_FAILPOINTS=evaluate.throw", "Pipeline__Bus__Redeliveries=2", "Pipeline__Bus__RedeliveryWait=00:00:03");
        try
        {
            var runId = await ClusterRuns.SubmitAsync(cluster, ClusterRuns.Spec("poison", seed: 99));

            var run = await ClusterRuns.WaitAsync(cluster, runId, RunTimeout);

            Assert.Equal("Failed", run.GetProperty("state").GetString());
            Assert.Contains("evaluate: kept failing through its retries and gave up (the message is in its error queue)", run.GetProperty("error").GetString());
            // 4 attempts in the process per delivery, 3 deliveries.
            Assert.Contains($"failed for run {runId} trial t1 (attempt 12)", await File.ReadAllTextAsync(cluster.Process("evaluator").Log));
            Assert.Contains("Failpoint evaluate.throw is on", run.GetProperty("error").GetString());
            Assert.True(await MessagesInAsync("evaluate-model_error") >= 1, "the faulted command is not in evaluate-model_error");
        }
        finally
        {
            await cluster.RestartAsync("evaluator");
        }
    }

    [Fact]
    public async Task A_trainer_killed_mid_epoch_hands_its_trial_to_another_that_resumes_from_the_last_checkpoint()
    {
        await ClusterRuns.UploadAsync(cluster, "killed-trainer");
        // A short lease, so that the dead trainer's trial is sent again within seconds rather than minutes.
        await cluster.RestartAsync("orchestrator", 1, "Pipeline__Orchestrator__TrialLease=00:00:12");
        try
        {
            var runId = await ClusterRuns.SubmitAsync(cluster, ClusterRuns.Spec("killed-trainer", seed: 31, epochs: 3, exact: true));
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
            await cluster.RestartAsync("orchestrator");
        }
    }

    [Fact]
    public async Task A_trainer_killed_while_caching_features_hands_its_trial_to_another_that_computes_them_whole()
    {
        await ClusterRuns.UploadAsync(cluster, "killed-extraction");
        // Only trainer 1 serves, and it kills itself half-way through the training split's features.
        for (var t = 2; t <= ClusterFixture.Trainers; t++)
            await cluster.StopAsync("trainer", t);
        await cluster.RestartAsync("orchestrator", 1, "Pipeline__Orchestrator__TrialLease=00:00:12");
        await cluster.RestartAsync("trainer", 1, "PIPELINE_FAILPOINTS=train.midFeatures");
        var killed = cluster.Process("trainer");
        try
        {
            var runId = await ClusterRuns.SubmitAsync(cluster, ClusterRuns.Spec("killed-extraction", seed: 61, epochs: 2));
            await WaitForAsync(() => !ProcFs.IsRunning(killed.Pid), "trainer 1 to kill itself while caching features");
            for (var t = 2; t <= ClusterFixture.Trainers; t++)
                await cluster.StartAsync("trainer", t);
            var run = await ClusterRuns.WaitAsync(cluster, runId, RunTimeout);

            Assert.Equal("Completed", run.GetProperty("state").GetString());
            // Nothing half-made was stored: the trainer that took the trial over computed the features itself.
            var resumedBy = await WaitForLogAsync(runId, $"Run {runId} trial t1 epoch 2/2", except: 1);
            var log = await File.ReadAllTextAsync(cluster.Process("trainer", resumedBy).Log);
            Assert.Contains("Features of the train split:", log);
            Assert.DoesNotContain("Reusing cached features of the train split", log);
        }
        finally
        {
            await cluster.RestartAsync("orchestrator");
            await cluster.RestartAsync("trainer");
            for (var t = 2; t <= ClusterFixture.Trainers; t++)
                if (!ProcFs.IsRunning(cluster.Process("trainer", t).Pid))
                    await cluster.StartAsync("trainer", t);
        }
    }

    [Fact]
    public async Task A_cancelled_run_is_not_trained_again_after_its_trainer_dies()
    {
        await ClusterRuns.UploadAsync(cluster, "cancelled");
        var runId = await ClusterRuns.SubmitAsync(cluster, ClusterRuns.Spec("cancelled", seed: 17, epochs: 5, exact: true));
        var (trainer, _) = await WaitForEpochAsync(runId, epoch: 1);

        // Cancelled, then the trainer dies before it noticed: its lease expires, and nobody trains the trial again.
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
    public async Task A_trainer_stopped_mid_trial_gives_it_back_and_another_resumes_it_without_waiting_for_the_lease()
    {
        await ClusterRuns.UploadAsync(cluster, "stopped-trainer");
        var runId = await ClusterRuns.SubmitAsync(cluster, ClusterRuns.Spec("stopped-trainer", seed: 37, epochs: 3, exact: true));
        var (trainer, _) = await WaitForEpochAsync(runId, epoch: 1);

        await cluster.StopAsync("trainer", trainer);
        var resumed = System.Diagnostics.Stopwatch.StartNew();
        var resumedBy = await WaitForLogAsync(runId, $"Run {runId} trial t1: resuming after epoch", except: trainer);
        var resumeTime = resumed.Elapsed;
        var run = await ClusterRuns.WaitAsync(cluster, runId, RunTimeout);
        await cluster.StartAsync("trainer", trainer);

        Assert.Equal("Completed", run.GetProperty("state").GetString());
        Assert.Contains($"Run {runId} trial t1: giving the trial back unfinished", await File.ReadAllTextAsync(cluster.Process("trainer", trainer).Log));
        // The orchestrator's lease is 2 minutes: the trial came back long before it would have expired.
        Assert.True(resumeTime < TimeSpan.FromSeconds(60), $"trainer {resumedBy} resumed {resumeTime} after the stop");
    }

    [Fact]
    public async Task Every_message_delivered_twice_rewrites_no_object_and_moves_no_state_twice_and_one_trainer_trains()
    {
        await ClusterRuns.UploadAsync(cluster, "twice");
        string[] debugPuts = ["Logging__LogLevel__Pipeline.Storage=Debug"];
        const string twice = "PIPELINE_FAILPOINTS=deliver.twice";
        await cluster.RestartAsync("orchestrator", 1, [.. debugPuts, "PIPELINE_FAILPOINTS=deliver.twice,outbox.sendTwice"]);
        await cluster.RestartAsync("preprocessor", 1, [.. debugPuts, twice]);
        await cluster.RestartAsync("evaluator", 1, [.. debugPuts, twice]);
        try
        {
            var runId = await ClusterRuns.SubmitAsync(cluster, ClusterRuns.Spec("twice", seed: 41));
            var run = await ClusterRuns.WaitAsync(cluster, runId, RunTimeout);

            Assert.Equal("Completed", run.GetProperty("state").GetString());
            var orchestratorLog = await File.ReadAllTextAsync(cluster.Process("orchestrator").Log);
            var moves = Regex.Matches(orchestratorLog, $@"Run {runId}: (\w+ -> \w+)").Select(m => m.Groups[1].Value).ToList();
            Assert.Equal(moves.Distinct(), moves);
            Assert.Equal("Evaluating -> Completed", moves[^1]);
            // Both copies of the trial's command reached a trainer: one trained it, the other stood down.
            var logs = new List<string>();
            for (var t = 1; t <= ClusterFixture.Trainers; t++)
                logs.Add(await File.ReadAllTextAsync(cluster.Process("trainer", t).Log));
            Assert.Single(logs, log => EpochsOf(runId, log).Any());
            Assert.Contains(logs, log => log.Contains($"Run {runId} trial t1: standing down", StringComparison.Ordinal));
            // Every key written more than once got the same bytes again.
            var puts = new List<(string Key, string Sha256)>();
            foreach (var name in new[] { "orchestrator", "preprocessor", "evaluator" })
                puts.AddRange(Regex.Matches(await File.ReadAllTextAsync(cluster.Process(name).Log), @"Put (\S+): \d+ bytes, sha256 ([0-9a-f]{64})")
                    .Select(m => (m.Groups[1].Value, m.Groups[2].Value)));
            // run.json gathers the component versions as the run moves: one write per state change that brings some (submitted,
            // prepared, trained), and none more for duplicates. Nothing else is ever rewritten with other bytes.
            var runFile = $"runs/{Guid.Parse(runId):N}/run.json";
            Assert.Equal(3, puts.Count(put => put.Key == runFile));
            Assert.All(puts.Where(put => put.Key != runFile).GroupBy(put => put.Key),
                key => Assert.True(key.Select(put => put.Sha256).Distinct().Count() == 1, $"{key.Key} was rewritten with other bytes"));
        }
        finally
        {
            foreach (var name in new[] { "orchestrator", "preprocessor", "evaluator" })
            {
                await cluster.StopAsync(name);
                await cluster.StartAsync(name);
            }
        }
    }

    [Fact]
    public async Task A_preprocessor_killed_mid_dataset_is_replaced_and_every_image_is_accounted_for_once()
    {
        await ClusterRuns.UploadAsync(cluster, "killed-preprocessor");
        await cluster.RestartAsync("preprocessor", 1, "PIPELINE_FAILPOINTS=preprocess.midDataset");
        var killed = cluster.Process("preprocessor");

        var runId = await ClusterRuns.SubmitAsync(cluster, ClusterRuns.Spec("killed-preprocessor", seed: 43));
        await WaitForAsync(() => !ProcFs.IsRunning(killed.Pid), "the preprocessor to kill itself half-way through the dataset");
        // RabbitMQ gives the unacknowledged command to the next preprocessor.
        await cluster.RestartAsync("preprocessor");
        var run = await ClusterRuns.WaitAsync(cluster, runId, RunTimeout);

        Assert.Equal("Completed", run.GetProperty("state").GetString());
        var prepared = Assert.Single(await ClusterRuns.JournalAsync(cluster, runId, "DatasetPrepared"));
        Assert.False(prepared.GetProperty("fromCache").GetBoolean());
        var images = new[] { "trainImages", "validationImages", "testImages", "quarantined" }.Sum(count => prepared.GetProperty(count).GetInt32());
        Assert.Equal(10 * ClusterFixture.ImagesPerClass, images);
    }

    [Fact]
    public async Task A_rabbitmq_restart_mid_run_is_ridden_out_by_every_service()
    {
        var run = await RunThroughOutageAsync("broker-restart", seed: 47, "rabbitmq", TimeSpan.FromSeconds(5));

        Assert.Equal("Completed", run.GetProperty("state").GetString());
        // Every service is connected again: a second run goes through as well.
        var second = await ClusterRuns.SubmitAsync(cluster, ClusterRuns.Spec("broker-restart", seed: 48));
        Assert.Equal("Completed", (await ClusterRuns.WaitAsync(cluster, second, RunTimeout)).GetProperty("state").GetString());
    }

    [Fact]
    public async Task A_20_second_store_outage_mid_run_is_ridden_out()
    {
        var run = await RunThroughOutageAsync("store-outage", seed: 53, "s3rver", TimeSpan.FromSeconds(20));

        Assert.Equal("Completed", run.GetProperty("state").GetString());
    }

    [Fact]
    public async Task A_long_store_outage_fails_the_run_with_the_reason_instead_of_hanging()
    {
        await ClusterRuns.UploadAsync(cluster, "store-gone");
        // One trainer, with a small store budget: a call gives up within seconds, as a long outage would make it.
        for (var t = 2; t <= ClusterFixture.Trainers; t++)
            await cluster.StopAsync("trainer", t);
        await cluster.RestartAsync("trainer", 1, ["Pipeline__Store__S3__MaxRetryAttempts=1", "Pipeline__Store__S3__RetryBaseDelay=00:00:01",
            "Pipeline__Store__S3__AttemptTimeout=00:00:03"]);
        try
        {
            var runId = await ClusterRuns.SubmitAsync(cluster, ClusterRuns.Spec("store-gone", seed: 59, epochs: 3, exact: true));
            await WaitForEpochAsync(runId, epoch: 1);

            await cluster.StopAsync("s3rver");
            var run = await ClusterRuns.WaitAsync(cluster, runId, RunTimeout);

            Assert.Equal("Failed", run.GetProperty("state").GetString());
            var error = run.GetProperty("error").GetString();
            Assert.Contains("train: gave up after 4 attempts: S3StoreException", error);
            Assert.Contains("127.0.0.1", error);
        }
        finally
        {
            if (!cluster.Processes.Any(p => p.Name == "s3rver" && ProcFs.IsRunning(p.Pid)))
                await cluster.StartAsync("s3rver");
            await cluster.RestartAsync("trainer");
            for (var t = 2; t <= ClusterFixture.Trainers; t++)
                await cluster.StartAsync("trainer", t);
        }
    }

    [Fact]
    public async Task A_stage_that_never_answers_fails_its_run_at_the_deadline_and_the_cli_exits_1()
    {
        await cluster.StopAsync("preprocessor");
        await cluster.RestartAsync("orchestrator", 1, "Pipeline__Orchestrator__StageDeadline=00:00:08", "Pipeline__Orchestrator__StageResends=1");
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
            await cluster.RestartAsync("orchestrator");
            await cluster.StartAsync("preprocessor");
        }
    }

    /// <summary>A 3-epoch run on a fresh copy of the dataset, with <paramref name="process"/> stopped for <paramref name="outage"/> after epoch 1.</summary>
    private async Task<JsonElement> RunThroughOutageAsync(string dataset, int seed, string process, TimeSpan outage)
    {
        await ClusterRuns.UploadAsync(cluster, dataset);
        var runId = await ClusterRuns.SubmitAsync(cluster, ClusterRuns.Spec(dataset, seed, epochs: 3, exact: true));
        await WaitForEpochAsync(runId, epoch: 1);

        await cluster.StopAsync(process);
        await Task.Delay(outage);
        await cluster.StartAsync(process);
        return await ClusterRuns.WaitAsync(cluster, runId, RunTimeout);
    }

    private static async Task WaitForAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + RunTimeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Waited in vain for {what}.");
            await Task.Delay(250);
        }
    }

    /// <summary>Waits until a trainer other than <paramref name="except"/> logs <paramref name="text"/>; returns that trainer.</summary>
    private async Task<int> WaitForLogAsync(string runId, string text, int except)
    {
        var deadline = DateTime.UtcNow + RunTimeout;
        while (true)
        {
            for (var t = 1; t <= ClusterFixture.Trainers; t++)
                if (t != except && (await File.ReadAllTextAsync(cluster.Process("trainer", t).Log)).Contains(text, StringComparison.Ordinal))
                    return t;
            Assert.True(DateTime.UtcNow < deadline, $"No trainer logged '{text}' for run {runId} in time.");
            await Task.Delay(250);
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
        Regex.Matches(log, $@"Run {runId} trial t1 epoch (\d+)/\d+").Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));

    private async Task<int> MessagesInAsync(string queue)
    {
        using var description = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(cluster.Dir, "cluster.json")));
        var queues = await RabbitMqCtl.RunAsync(description.RootElement.GetProperty("rabbitMq"), "list_queues", "name", "messages", "--formatter", "json", "--quiet");
        using var list = JsonDocument.Parse(queues);
        return list.RootElement.EnumerateArray().Where(q => q.GetProperty("name").GetString() == queue).Sum(q => q.GetProperty("messages").GetInt32());
    }
}
