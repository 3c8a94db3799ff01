using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Contracts;
using Pipeline.Orchestrator.Runs;
using Pipeline.Runs;
using Pipeline.Storage;

namespace Pipeline.Tests.Orchestration;

public sealed class RunCoordinatorTests() : ConsumerHarness<RunEventsConsumer>((services, folder) => services
    .AddSingleton(new RunStore(Path.Combine(folder, "runs.db")))
    .AddSingleton<IObjectStore>(new FileSystemObjectStore(Path.Combine(folder, "objects")))
    .AddSingleton(TimeProvider.System)
    .AddSingleton<RunCoordinator>())
{
    private static readonly RunSpec Spec = new() { DataDir = "/data/images", Backbone = BackboneNames.MlNetResNet18, Epochs = 2 };
    private static readonly IReadOnlyDictionary<string, string> NoVersions = new Dictionary<string, string>();

    private RunStore Runs => Service<RunStore>();
    private IObjectStore Objects => Service<IObjectStore>();

    [Fact]
    public async Task Submit_starts_preprocessing_and_records_run_json()
    {
        var runId = Guid.NewGuid();
        await Harness.Bus.Publish(new SubmitRun(runId, Spec));

        Assert.True(await Harness.Published.Any<PreprocessDataset>(m => m.Context.Message.RunId == runId));
        Assert.Equal(RunState.Preprocessing, Runs.Find(runId)!.State);
        var runFile = await Objects.GetJsonAsync<RunFile>(ObjectKeys.RunRecord(runId));
        Assert.Equal(Spec, runFile.Spec);
        Assert.Contains("pipeline", runFile.Versions.Keys);
    }

    [Fact]
    public async Task Events_drive_a_run_to_completed_and_duplicates_change_nothing()
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
        await Harness.Bus.Publish(new ModelTrained(runId, "t1", "runs/x/model.bin", "runs/x/history.json", 1, 0.6, NoVersions));
        await WaitForState(runId, RunState.Evaluating);
        await Harness.Bus.Publish(new ModelEvaluated(runId, "t1", "runs/x/report/metrics.json", "runs/x/report/report.html", 0.93));
        await WaitForState(runId, RunState.Completed);

        var run = Runs.Find(runId)!;
        Assert.Equal(0.93, run.TestAccuracy);
        Assert.Equal("abc", run.Fingerprint);
        Assert.Equal(1, run.Epoch);
        Assert.True(await Harness.Published.Any<RunCompleted>(m => m.Context.Message.RunId == runId && m.Context.Message.State == RunState.Completed));
        Assert.Single(Harness.Published.Select<TrainModel>(m => m.Context.Message.RunId == runId));
        var runFile = await Objects.GetJsonAsync<RunFile>(ObjectKeys.RunRecord(runId));
        Assert.Equal("abc", runFile.DatasetFingerprint);
        Assert.Equal("2.1.13", runFile.Versions["SixLabors.ImageSharp"]);
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
        Assert.False(await Harness.Published.Any<TrainModel>(m => m.Context.Message.RunId == runId));
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
    }

    [Fact]
    public void A_stale_update_is_refused()
    {
        var now = DateTimeOffset.UtcNow;
        var run = new RunRecord { Id = Guid.NewGuid(), State = RunState.Submitted, Spec = Spec, CreatedAt = now, UpdatedAt = now, Version = 1 };
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
}
