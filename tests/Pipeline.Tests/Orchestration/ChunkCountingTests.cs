using MassTransit.Testing;
using Pipeline.Contracts;
using Pipeline.Orchestrator;
using Pipeline.Orchestrator.Runs;

namespace Pipeline.Tests.Orchestration;

/// <summary>The orchestrator's side of a dataset cut into chunks: one command per chunk, chunk ids counted once, assembly after the last.</summary>
public sealed class ChunkCountingTests() : ConsumerHarness<RunEventsConsumer>((services, folder) => services.AddOrchestrator(folder, new OrchestratorOptions()))
{
    private static readonly RunSpec Spec = new()
    {
        Dataset = "flowers",
        Training = new TrainingSpec { Backbone = BackboneNames.MlNetResNet18, Epochs = 2 },
    };

    private RunStore Runs => Service<RunStore>();

    [Fact]
    public async Task Chunks_are_counted_by_id_so_a_copy_counts_once_and_the_dataset_is_assembled_when_the_last_one_is_in()
    {
        var runId = await SubmitAsync();

        await Harness.Bus.Publish(new DatasetChunked(runId, "f00d", 3, ComputeSeconds: 0.5));
        var commands = await SentAsync<PreprocessChunk>(3);
        Assert.Equal([0, 1, 2], commands.Select(c => c.Chunk));
        Assert.All(commands, c => Assert.Equal((runId, "f00d", 3), (c.RunId, c.Fingerprint, c.Chunks)));

        // Chunk 1 twice (redelivered after a crash), chunk 0 once, and a chunk of another dataset that is not this run's.
        await Harness.Bus.Publish(new ChunkPrepared(runId, "f00d", 1, 10, 0, ComputeSeconds: 2));
        await Harness.Bus.Publish(new ChunkPrepared(runId, "f00d", 1, 10, 0, ComputeSeconds: 2));
        await Harness.Bus.Publish(new ChunkPrepared(runId, "beef", 2, 10, 0, ComputeSeconds: 2));
        await Harness.Bus.Publish(new ChunkPrepared(runId, "f00d", 0, 9, 1, ComputeSeconds: 1));
        await ConsumedAsync<ChunkPrepared>(4);
        var run = Runs.Find(runId)!;
        Assert.Equal([0, 1], run.Chunks!.Done);
        Assert.Equal(3.5, run.ComputeSeconds[Stages.Preprocess], precision: 6);
        Assert.Empty(Harness.Sent.Select<AssembleDataset>());

        await Harness.Bus.Publish(new ChunkPrepared(runId, "f00d", 2, 10, 0, ComputeSeconds: 1));
        await Harness.Bus.Publish(new ChunkPrepared(runId, "f00d", 2, 10, 0, ComputeSeconds: 1));
        await ConsumedAsync<ChunkPrepared>(6);

        var assemble = Assert.Single(await SentAsync<AssembleDataset>(1));
        Assert.Equal((runId, "f00d"), (assemble.RunId, assemble.Fingerprint));
        run = Runs.Find(runId)!;
        Assert.Equal((RunState.Preprocessing, true, 4.5), (run.State, run.Chunks!.Complete, run.ComputeSeconds[Stages.Preprocess]));
        await Harness.Bus.Publish(new DatasetPrepared(runId, "prepared/f00d/manifest.json", "f00d", 2, 20, 4, 4, 1, false, new Dictionary<string, string>()));
        await Poll.UntilAsync(() => Runs.Find(runId)!.State == RunState.Training, "the run to train");
    }

    [Fact]
    public async Task A_copy_of_the_chunking_event_sends_again_only_the_chunks_not_yet_in()
    {
        var runId = await SubmitAsync();
        await Harness.Bus.Publish(new DatasetChunked(runId, "f00d", 3));
        await SentAsync<PreprocessChunk>(3);
        await Harness.Bus.Publish(new ChunkPrepared(runId, "f00d", 1, 10, 0));
        await Poll.UntilAsync(() => Runs.Find(runId)!.Chunks!.Done.Count == 1, "chunk 1 to be counted");

        await Harness.Bus.Publish(new DatasetChunked(runId, "f00d", 3));

        var commands = await SentAsync<PreprocessChunk>(5);
        Assert.Equal([0, 2], commands.Skip(3).Select(c => c.Chunk));
        Assert.Equal([1], Runs.Find(runId)!.Chunks!.Done);
    }

    [Fact]
    public async Task A_failed_chunk_fails_the_run_with_its_reason_and_a_late_chunk_changes_nothing()
    {
        var runId = await SubmitAsync();
        await Harness.Bus.Publish(new DatasetChunked(runId, "f00d", 2));
        await SentAsync<PreprocessChunk>(2);

        await Harness.Bus.Publish(new StageFailed(runId, Stages.Preprocess, "This preprocessor's limits differ from those dataset f00d was planned with"));
        await Poll.UntilAsync(() => Runs.Find(runId)!.State == RunState.Failed, "the run to fail");
        await Harness.Bus.Publish(new ChunkPrepared(runId, "f00d", 0, 10, 0));
        await ConsumedAsync<ChunkPrepared>(1);

        var run = Runs.Find(runId)!;
        Assert.Equal("preprocess: This preprocessor's limits differ from those dataset f00d was planned with", run.Error);
        Assert.Empty(run.Chunks!.Done);
        // RunCompleted leaves through the outbox, after the state change is stored.
        await Poll.UntilAsync(() => Harness.Published.Select<RunCompleted>().Any(), "the run's completion to be published");
        var completed = Assert.Single(Harness.Published.Select<RunCompleted>()).Context.Message;
        Assert.Equal((RunState.Failed, run.Error), (completed.State, completed.Error));
    }

    private async Task<Guid> SubmitAsync()
    {
        var runId = Guid.NewGuid();
        await Harness.Bus.Publish(new SubmitRun(runId, Spec));
        await Poll.UntilAsync(() => Runs.Find(runId)?.State == RunState.Preprocessing, "the run to be submitted");
        return runId;
    }

    private async Task<IReadOnlyList<T>> SentAsync<T>(int count) where T : class
    {
        await Poll.UntilAsync(() => Harness.Sent.Select<T>().Count() >= count, $"{count} {typeof(T).Name} sent");
        return Harness.Sent.Select<T>().Select(m => m.Context.Message).ToList();
    }

    private Task ConsumedAsync<T>(int count) where T : class =>
        Poll.UntilAsync(() => Harness.Consumed.Select<T>().Count() >= count, $"{count} {typeof(T).Name} consumed");
}
