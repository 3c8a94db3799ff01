using System.Diagnostics;
using System.Text.Json;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pipeline.Contracts;
using Pipeline.Orchestrator;
using Pipeline.Orchestrator.Runs;
using Pipeline.Runs;
using Pipeline.Storage;

namespace Pipeline.Tests.Orchestration;

public sealed class RunCoordinatorTests() : ConsumerHarness<RunEventsConsumer>(
    (services, folder) => services.AddOrchestrator(folder, new OrchestratorOptions { InProcessWorkers = true }), bus => bus.AddConsumer<PoisonedEvaluator>().Endpoint(endpoint => endpoint.Name = StageQueues.Evaluator))
{
    private static readonly RunSpec Spec = new()
    {
        Dataset = "flowers",
        Training = new TrainingSpec { Backbone = BackboneNames.MlNetResNet18, Epochs = 2 },
    };

    private static readonly IReadOnlyDictionary<string, string> NoVersions = new Dictionary<string, string>();

    private RunStore Runs => Service<RunStore>();
    private IObjectStore Objects => Service<IObjectStore>();

    [Fact]
    public async Task Submit_starts_preprocessing_with_the_preprocessing_group_and_records_run_json()
    {
        var runId = Guid.NewGuid();
        await Harness.Bus.Publish(new SubmitRun(runId, Spec));

        Assert.True(await Harness.Sent.Any<PreprocessDataset>(m => m.Context.Message.RunId == runId));
        var command = Harness.Sent.Select<PreprocessDataset>().Single().Context.Message;
        Assert.Equal(("flowers", Spec.Preprocessing, Spec.Seed), (command.Dataset, command.Preprocessing, command.Seed));
        var run = Runs.Find(runId)!;
        Assert.Equal(RunState.Preprocessing, run.State);
        Assert.Equal(ProcessIdentity.Current, run.Owner);
        var runFile = await Objects.GetJsonAsync<RunFile>(ObjectKeys.RunFile(runId));
        Assert.Equal(Spec.Dataset, runFile.Spec.Dataset);
        Assert.Equal(Spec.Training, runFile.Spec.Training);
        Assert.Contains("pipeline", runFile.Versions.Keys);
    }

    [Fact]
    public async Task An_invalid_submission_is_rejected_with_errors_by_field_and_creates_no_run()
    {
        var runId = Guid.NewGuid();
        var spec = Spec with { Dataset = "Not A Name", Training = Spec.Training with { Epochs = 0, Backbone = BackboneNames.ResNet50 } };

        await Harness.Bus.Publish(new SubmitRun(runId, spec));

        Assert.True(await Harness.Published.Any<RunRejected>(m => m.Context.Message.RunId == runId));
        var errors = Harness.Published.Select<RunRejected>().Single().Context.Message.Errors;
        Assert.Equal(["dataset", "training.epochs", "training.weights"], errors.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("between 1 and 10000 (got 0)", errors["training.epochs"][0]);
        Assert.Null(Runs.Find(runId));
        Assert.False(await Harness.Sent.Any<PreprocessDataset>());
    }

    [Fact]
    public async Task Events_drive_a_run_to_completed_with_a_summary_and_duplicates_change_nothing()
    {
        var runId = Guid.NewGuid();
        await Harness.Bus.Publish(new SubmitRun(runId, Spec));
        await WaitForState(runId, RunState.Preprocessing);

        var prepared = new DatasetPrepared(runId, "prepared/abc/manifest.json", "abc", 3, 70, 15, 15, 0, false,
            new Dictionary<string, string> { ["SixLabors.ImageSharp"] = "2.1.13" });
        await Harness.Bus.Publish(prepared);
        await WaitForState(runId, RunState.Training);
        await Harness.Bus.Publish(prepared);
        await Harness.Bus.Publish(new EpochCompleted(runId, "t1", 1, 2, 1.0, 0.5, 0.9, 0.6, 30, TimeSpan.FromSeconds(3)));
        await Harness.Bus.Publish(new ModelTrained(runId, "t1", "runs/x/model.safetensors", "runs/x/history.json", 1, 0.6, NoVersions));
        await WaitForState(runId, RunState.Evaluating);
        var reportKey = ObjectKeys.TrialReport(runId, "t1", "report.html");
        await Harness.Bus.Publish(new ModelEvaluated(runId, "t1", ObjectKeys.TrialReport(runId, "t1", "metrics.json"), reportKey, 0.93));
        await WaitForState(runId, RunState.Completed);

        var run = Runs.Find(runId)!;
        Assert.Equal("abc", run.Fingerprint);
        var trial = Assert.Single(run.Trials);
        Assert.Equal((RunState.Completed, 0.93, 1, 0.6), (trial.State, trial.TestAccuracy, trial.Epoch, trial.ValidationAccuracy));
        Assert.True(await Harness.Published.Any<RunCompleted>(m => m.Context.Message.RunId == runId));
        var completed = Harness.Published.Select<RunCompleted>().Single().Context.Message;
        Assert.Equal((RunState.Completed, 0.93, reportKey, "t1"), (completed.State, completed.TestAccuracy, completed.ReportKey, completed.BestTrialId));
        Assert.Equal([new TrialOutcome("t1", RunState.Completed, 0.93, reportKey)], completed.Trials);
        // The duplicate DatasetPrepared moved nothing, and sent the trial's command again (a lost one is replaced; the lease
        // makes a second copy harmless).
        var trains = Harness.Sent.Select<TrainModel>(m => m.Context.Message.RunId == runId).Select(m => m.Context.Message).ToList();
        Assert.Equal(2, trains.Count);
        Assert.All(trains, train => Assert.Equal((Spec.Training, Spec.Seed, "prepared/abc/manifest.json"), (train.Training, train.Seed, train.ManifestKey)));
        var evaluate = Assert.Single(Harness.Sent.Select<EvaluateModel>()).Context.Message;
        Assert.Equal(("runs/x/model.safetensors", Spec.Evaluation), (evaluate.ModelKey, evaluate.Evaluation));

        var runFile = await Objects.GetJsonAsync<RunFile>(ObjectKeys.RunFile(runId));
        Assert.Equal("abc", runFile.DatasetFingerprint);
        Assert.Equal("2.1.13", runFile.Versions["SixLabors.ImageSharp"]);
        var summary = await Objects.GetJsonAsync<RunSummary>(completed.SummaryKey!);
        Assert.Equal(("t1", "../trials/t1/report/report.html"), (summary.BestTrialId, summary.Trials[0].Report));
        Assert.True(await Objects.ExistsAsync(ObjectKeys.RunReport(runId, "report.html")));
    }

    [Fact]
    public async Task A_sweep_trains_every_trial_and_completes_with_the_failed_ones_listed_and_the_trials_compared()
    {
        var runId = Guid.NewGuid();
        var spec = JsonSerializer.Deserialize<RunSpec>("""
            { "dataset": "flowers", "training": { "backbone": "mlnet-resnet18", "epochs": 2 },
              "sweep": { "training.mode": ["transfer", "finetune"], "training.learningRate": [1e-3, 1e-4] } }
            """, PipelineJson.Options)!;
        await Harness.Bus.Publish(new SubmitRun(runId, spec));
        await WaitForState(runId, RunState.Preprocessing);
        await Harness.Bus.Publish(new DatasetPrepared(runId, "m", "f", 2, 1, 1, 1, 0, false, NoVersions));
        await WaitForState(runId, RunState.Training);

        // One command per trial, each with its own settings, for the trainer pool to share out.
        Assert.True(await Harness.Sent.Any<TrainModel>(m => m.Context.Message.RunId == runId && m.Context.Message.TrialId == "t4"));
        var trains = Harness.Sent.Select<TrainModel>(m => m.Context.Message.RunId == runId).Select(m => m.Context.Message).OrderBy(m => m.TrialId).ToList();
        Assert.Equal([("t1", TrainingMode.Transfer, 1e-3), ("t2", TrainingMode.Transfer, 1e-4), ("t3", TrainingMode.Finetune, 1e-3), ("t4", TrainingMode.Finetune, 1e-4)],
            trains.Select(m => (m.TrialId, m.Training.Mode, m.Training.LearningRate)));

        await Harness.Bus.Publish(new StageFailed(runId, "train", "out of memory", "t4"));
        foreach (var (trialId, accuracy) in new[] { ("t1", 0.8), ("t2", 0.9), ("t3", 0.7) })
        {
            var history = ObjectKeys.History(runId, trialId);
            await Objects.PutJsonAsync(history, new TrainingHistory
            {
                Training = spec.Training, Seed = 42, BestEpoch = 2,
                Epochs = [new EpochRecord(1, 1, 0.5, 1, accuracy - 0.1, 10, 1), new EpochRecord(2, 1, 0.6, 1, accuracy, 10, 1)],
            });
            var metrics = ObjectKeys.TrialReport(runId, trialId, "metrics.json");
            await Objects.PutBytesAsync(metrics, System.Text.Encoding.UTF8.GetBytes($$"""{ "accuracy": {{accuracy}}, "macroAverage": { "f1": {{accuracy - 0.05}} }, "expectedCalibrationError": 0.04 }"""));
            await Harness.Bus.Publish(new ModelTrained(runId, trialId, $"model-{trialId}", history, 2, accuracy, NoVersions));
            await Harness.Bus.Publish(new ModelEvaluated(runId, trialId, metrics, ObjectKeys.TrialReport(runId, trialId, "report.html"), accuracy));
        }
        await WaitForState(runId, RunState.Completed);

        // The outbox sends the completion after the commit, on its own schedule: poll rather than wait for the bus to go idle.
        var completed = (await PublishedAsync<RunCompleted>()).Single(m => m.RunId == runId);
        Assert.Equal(("t2", 0.9), (completed.BestTrialId, completed.TestAccuracy));
        Assert.Equal([RunState.Completed, RunState.Completed, RunState.Completed, RunState.Failed], completed.Trials.Select(t => t.State));
        var summary = await Objects.GetJsonAsync<RunSummary>(completed.SummaryKey!);
        Assert.Equal("t2", summary.BestTrialId);
        Assert.Equal(0.85, summary.Trials[1].MacroF1!.Value, 9);
        Assert.Equal(0.04, summary.Trials[1].ExpectedCalibrationError!.Value, 9);
        Assert.Equal([0.8, 0.9], summary.Trials[1].ValidationAccuracies!);
        Assert.Equal("train: out of memory", summary.Trials[3].Error);
        var html = System.Text.Encoding.UTF8.GetString(await Objects.GetBytesAsync(ObjectKeys.RunReport(runId, "report.html")));
        // One plot: a curve per trial that finished an epoch, labelled with its settings.
        Assert.Equal(3, html.Split("<polyline").Length - 1);
        Assert.Contains("t3 finetune lr 0.001", html);
    }

    [Fact]
    public async Task Each_stages_compute_seconds_are_kept_in_the_run_its_summary_and_its_completion()
    {
        var runId = Guid.NewGuid();
        await Harness.Bus.Publish(new SubmitRun(runId, Spec));
        await WaitForState(runId, RunState.Preprocessing);
        var prepared = new DatasetPrepared(runId, "m", "f", 2, 1, 1, 1, 0, false, NoVersions, ComputeSeconds: 1.25);
        await Harness.Bus.Publish(prepared);
        await WaitForState(runId, RunState.Training);
        await Harness.Bus.Publish(prepared);
        await Harness.Bus.Publish(new ModelTrained(runId, "t1", "model", "history", 1, 0.5, NoVersions, ComputeSeconds: 40.5));
        await WaitForState(runId, RunState.Evaluating);
        await Harness.Bus.Publish(new ModelEvaluated(runId, "t1", "metrics", ObjectKeys.TrialReport(runId, "t1", "report.html"), 0.9, ComputeSeconds: 3));
        await WaitForState(runId, RunState.Completed);

        // The duplicate DatasetPrepared moved nothing, so its seconds are not counted twice.
        var expected = new Dictionary<string, double> { [Stages.Preprocess] = 1.25, [Stages.Train] = 40.5, [Stages.Evaluate] = 3 };
        Assert.Equal(expected, Runs.Find(runId)!.ComputeSeconds);
        Assert.True(await Harness.Published.Any<RunCompleted>(m => m.Context.Message.RunId == runId));
        var completed = Harness.Published.Select<RunCompleted>(m => m.Context.Message.RunId == runId).Single().Context.Message;
        Assert.Equal(expected, completed.ComputeSeconds);
        Assert.Equal(expected, (await Objects.GetJsonAsync<RunSummary>(completed.SummaryKey!)).ComputeSeconds);
    }

    [Fact]
    public async Task A_failed_stage_fails_the_run_and_late_events_are_ignored()
    {
        var runId = Guid.NewGuid();
        await Harness.Bus.Publish(new SubmitRun(runId, Spec));
        await WaitForState(runId, RunState.Preprocessing);

        await Harness.Bus.Publish(new StageFailed(runId, "preprocess", "Class 'cats' has 3 usable images; at least 5 are needed."));
        await WaitForState(runId, RunState.Failed);
        await Harness.Bus.Publish(new DatasetPrepared(runId, "m", "f", 2, 1, 1, 1, 0, false, NoVersions));
        await Harness.InactivityTask;

        var run = Runs.Find(runId)!;
        Assert.Equal(RunState.Failed, run.State);
        Assert.Equal("preprocess: Class 'cats' has 3 usable images; at least 5 are needed.", run.Error);
        Assert.False(await Harness.Sent.Any<TrainModel>(m => m.Context.Message.RunId == runId));
        Assert.Null(Harness.Published.Select<RunCompleted>().Single().Context.Message.SummaryKey);
    }

    [Fact]
    public async Task A_failed_trial_fails_a_run_of_one_trial_with_the_trial_error()
    {
        var runId = Guid.NewGuid();
        await Harness.Bus.Publish(new SubmitRun(runId, Spec));
        await WaitForState(runId, RunState.Preprocessing);
        await Harness.Bus.Publish(new DatasetPrepared(runId, "m", "f", 2, 1, 1, 1, 0, false, NoVersions));
        await WaitForState(runId, RunState.Training);

        await Harness.Bus.Publish(new StageFailed(runId, "train", "out of memory", "t1"));
        await WaitForState(runId, RunState.Failed);

        var run = Runs.Find(runId)!;
        Assert.Equal("train: out of memory", run.Error);
        Assert.Equal(RunState.Failed, run.Trials[0].State);
    }

    [Fact]
    public async Task A_command_that_keeps_failing_fails_its_trial_and_the_run_with_what_it_threw()
    {
        var runId = Guid.NewGuid();
        PoisonedEvaluator.Runs.Add(runId);
        await Harness.Bus.Publish(new SubmitRun(runId, Spec));
        await WaitForState(runId, RunState.Preprocessing);
        await Harness.Bus.Publish(new DatasetPrepared(runId, "m", "f", 2, 1, 1, 1, 0, false, NoVersions));
        await WaitForState(runId, RunState.Training);

        // The evaluator throws every time for this run: the bus publishes the fault, the orchestrator reads it.
        await Harness.Bus.Publish(new ModelTrained(runId, "t1", "model", "history", 1, 0.5, NoVersions));
        await WaitForState(runId, RunState.Failed);

        var run = Runs.Find(runId)!;
        Assert.StartsWith("evaluate: kept failing through its retries and gave up (the message is in its error queue): InvalidOperationException: disk on fire", run.Error);
        Assert.Equal(RunState.Failed, run.Trials[0].State);
    }

    [Fact]
    public async Task Cancel_broadcasts_to_workers_and_ends_the_run()
    {
        var runId = Guid.NewGuid();
        await Harness.Bus.Publish(new SubmitRun(runId, Spec));
        await WaitForState(runId, RunState.Preprocessing);

        await Harness.Bus.Publish(new CancelRun(runId));
        await WaitForState(runId, RunState.Cancelled);

        Assert.True(await Harness.Published.Any<RunCancelled>(m => m.Context.Message.RunId == runId));
        Assert.True(await Harness.Published.Any<RunCompleted>(m => m.Context.Message.State == RunState.Cancelled));
        // Durable too: stages check the marker, so a command redelivered to a process that missed the broadcast does nothing.
        Assert.True(await Objects.ExistsAsync(ObjectKeys.CancelMarker(runId)));
    }

    [Fact]
    public async Task A_run_whose_process_died_is_interrupted_and_resumes_where_it_stopped()
    {
        var now = DateTimeOffset.UtcNow;
        using var dead = Process.Start("true")!;
        await dead.WaitForExitAsync();
        var deadOwner = $"{dead.Id}:{now.Ticks}";
        var orphan = new RunRecord
        {
            Id = Guid.NewGuid(), State = RunState.Training, Spec = Spec, CreatedAt = now, UpdatedAt = now, Owner = deadOwner, ManifestKey = "m",
            Trials = [new TrialRecord { TrialId = "t1", State = RunState.Training, Training = Spec.Training, Epoch = 1 }],
        };
        var alive = orphan with { Id = Guid.NewGuid(), Owner = ProcessIdentity.Current };
        Assert.True(Runs.TryInsert(orphan));
        Assert.True(Runs.TryInsert(alive));
        // The dead process's trainer held the trial until its lease would expire, minutes from now.
        Assert.True(Runs.TryAcquireLease(orphan.Id, "t1", "dead-trainer", now, now.AddMinutes(2)));

        Assert.Equal([orphan.Id], await Service<RunCoordinator>().InterruptOrphansAsync());
        Assert.Equal(RunState.Interrupted, Runs.Find(orphan.Id)!.State);
        Assert.Equal(RunState.Training, Runs.Find(alive.Id)!.State);

        // Events from before the interruption change nothing; resuming sends the trial's command again.
        await Harness.Bus.Publish(new ModelTrained(orphan.Id, "t1", "k", "h", 1, 0.5, NoVersions));
        await Harness.Bus.Publish(new ResumeRun(orphan.Id));
        await WaitForState(orphan.Id, RunState.Training);
        Assert.True(await Harness.Sent.Any<TrainModel>(m => m.Context.Message.RunId == orphan.Id));
        Assert.Equal(ProcessIdentity.Current, Runs.Find(orphan.Id)!.Owner);
        Assert.False(await Harness.Sent.Any<EvaluateModel>());
        // This process's trainer gets the trial at once.
        Assert.True(Runs.TryAcquireLease(orphan.Id, "t1", "this-trainer", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddMinutes(2)));
    }

    [Fact]
    public void A_stale_update_is_refused()
    {
        var now = DateTimeOffset.UtcNow;
        var run = new RunRecord { Id = Guid.NewGuid(), State = RunState.Submitted, Spec = Spec, CreatedAt = now, UpdatedAt = now, Version = 1, Trials = [] };
        Assert.True(Runs.TryInsert(run));
        Assert.False(Runs.TryInsert(run));

        Assert.True(Runs.TryUpdate(run with { State = RunState.Preprocessing }));
        Assert.False(Runs.TryUpdate(run with { State = RunState.Failed }));
        Assert.Equal(RunState.Preprocessing, Runs.Find(run.Id)!.State);
        Assert.Equal(2, Runs.Find(run.Id)!.Version);
    }

    private async Task WaitForState(Guid runId, RunState state)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (Runs.Find(runId)?.State != state)
        {
            Assert.True(DateTime.UtcNow < deadline, $"Run never reached {state}; it is {Runs.Find(runId)?.State}.");
            await Task.Delay(20);
        }
    }

    /// <summary>An evaluator whose every attempt for the runs listed throws something that is not the user's problem.</summary>
    private sealed class PoisonedEvaluator : IConsumer<EvaluateModel>
    {
        public static readonly HashSet<Guid> Runs = [];

        public Task Consume(ConsumeContext<EvaluateModel> context) =>
            Runs.Contains(context.Message.RunId) ? throw new InvalidOperationException("disk on fire") : Task.CompletedTask;
    }
}
