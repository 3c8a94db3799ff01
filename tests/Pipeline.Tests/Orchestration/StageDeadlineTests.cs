using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pipeline.Contracts;
using Pipeline.Orchestrator;
using Pipeline.Orchestrator.Runs;
using Pipeline.Storage;

namespace Pipeline.Tests.Orchestration;

public sealed class StageDeadlineTests() : ConsumerHarness<RunEventsConsumer>(
    (services, folder) => services.AddOrchestrator(folder, new OrchestratorOptions { StageDeadline = Deadline, StageResends = 1 }, new ManualClock()))
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(10);
    private static readonly RunSpec Spec = new() { Dataset = "d", Training = new TrainingSpec { Backbone = BackboneNames.MlNetResNet18 } };

    private ManualClock Clock => (ManualClock)Service<TimeProvider>();
    private RunCoordinator Coordinator => Service<RunCoordinator>();

    [Fact]
    public async Task A_run_no_worker_serves_gets_its_command_again_then_fails_naming_the_stage()
    {
        var runId = Guid.NewGuid();
        await Coordinator.SubmitAsync(runId, Spec);

        Clock.Advance(Deadline - TimeSpan.FromSeconds(1));
        await Coordinator.EnforceDeadlinesAsync();
        Assert.Equal(0, Service<RunStore>().Find(runId)!.Resends);
        Clock.Advance(TimeSpan.FromSeconds(2));
        await Coordinator.EnforceDeadlinesAsync();
        Assert.Equal((RunState.Preprocessing, 1), (Service<RunStore>().Find(runId)!.State, Service<RunStore>().Find(runId)!.Resends));
        Clock.Advance(Deadline + TimeSpan.FromSeconds(1));
        await Coordinator.EnforceDeadlinesAsync();

        var run = Service<RunStore>().Find(runId)!;
        Assert.Equal(RunState.Failed, run.State);
        Assert.StartsWith("preprocess: no preprocess worker answered for 10 minutes after 2 sends of its command", run.Error);
        Assert.Contains("pipeline cluster start preprocessor", run.Error);
        await Harness.InactivityTask;
        Assert.Equal(2, Harness.Sent.Select<PreprocessDataset>(m => m.Context.Message.RunId == runId).Count());
        Assert.True(await Harness.Published.Any<RunCompleted>(m => m.Context.Message.RunId == runId && m.Context.Message.State == RunState.Failed));
    }

    [Fact]
    public async Task A_dataset_in_chunks_whose_workers_went_silent_gets_only_its_missing_chunks_again()
    {
        var runId = Guid.NewGuid();
        await Coordinator.SubmitAsync(runId, Spec);
        await Coordinator.OnDatasetChunkedAsync(new DatasetChunked(runId, "f00d", 3));
        await Coordinator.OnChunkPreparedAsync(new ChunkPrepared(runId, "f00d", 1, 10, 0));

        Clock.Advance(Deadline + TimeSpan.FromSeconds(1));
        await Coordinator.EnforceDeadlinesAsync();

        await Harness.InactivityTask;
        var chunks = Harness.Sent.Select<PreprocessChunk>(m => m.Context.Message.RunId == runId).Select(m => m.Context.Message.Chunk).ToList();
        Assert.Equal([0, 1, 2, 0, 2], chunks);
        Assert.Single(Harness.Sent.Select<PreprocessDataset>(m => m.Context.Message.RunId == runId));
        Assert.Equal((RunState.Preprocessing, 1), (Service<RunStore>().Find(runId)!.State, Service<RunStore>().Find(runId)!.Resends));
    }

    [Fact]
    public async Task A_run_queued_behind_a_living_worker_waits_as_long_as_it_takes()
    {
        var runId = Guid.NewGuid();
        await Coordinator.SubmitAsync(runId, Spec);

        for (var beat = 0; beat < 10; beat++)
        {
            Clock.Advance(Deadline / 2);
            Coordinator.OnHeartbeat(new StageHeartbeat(Stages.Preprocess, "busy-elsewhere", []));
            await Coordinator.EnforceDeadlinesAsync();
        }

        Assert.Equal((RunState.Preprocessing, 0), (Service<RunStore>().Find(runId)!.State, Service<RunStore>().Find(runId)!.Resends));
    }
}
