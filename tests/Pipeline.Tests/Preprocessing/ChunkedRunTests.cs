using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Contracts;
using Pipeline.Datasets;
using Pipeline.Hosting;
using Pipeline.Orchestrator;
using Pipeline.Orchestrator.Runs;
using Pipeline.Preprocessor;
using Pipeline.Preprocessor.Preprocessing;
using Pipeline.Storage;
using Pipeline.Tests.Orchestration;

namespace Pipeline.Tests.Preprocessing;

/// <summary>The fan-out over the in-memory bus, as embedded mode runs it: the orchestrator and the preprocessor's consumers, chunks of 7 files.</summary>
public sealed class ChunkedRunTests() : ConsumerHarness<RunEventsConsumer>((services, folder) => services
        .AddOrchestrator(folder, new OrchestratorOptions())
        .AddSingleton(provider => new RunCancellations(provider.GetRequiredService<IObjectStore>()))
        .AddSingleton<LocalDatasets>()
        .AddSingleton<IDatasetCatalog, DatasetCatalog>()
        .AddSingleton(new PreprocessorOptions { ChunkImages = 7, WorkDirectory = Path.Combine(folder, "work") })
        .AddSingleton<DatasetPreparer>()
        .AddSingleton<ChunkDocuments>(),
    bus => bus.AddPreprocessorConsumers())
{
    private RunStore Runs => Service<RunStore>();

    [Fact]
    public async Task A_dataset_larger_than_a_chunk_is_prepared_chunk_by_chunk_and_every_image_is_in_the_manifest_once()
    {
        Service<LocalDatasets>().Register("colours", WriteImages(("blue", 10, 0), ("red", 10, 0)));

        var runId = await SubmitAsync("colours");
        await Poll.UntilAsync(() => Runs.Find(runId)?.State == RunState.Training, "the run to train");

        var chunked = Assert.Single(Harness.Published.Select<DatasetChunked>()).Context.Message;
        Assert.Equal(3, chunked.Chunks);
        Assert.Equal([0, 1, 2], Harness.Published.Select<ChunkPrepared>().Select(m => m.Context.Message.Chunk).Order());
        Assert.Single(Harness.Sent.Select<AssembleDataset>());
        var prepared = Assert.Single(Harness.Published.Select<DatasetPrepared>()).Context.Message;
        var manifest = await Service<IObjectStore>().GetJsonAsync<DatasetManifest>(prepared.ManifestKey);
        var files = manifest.Splits.Values.SelectMany(split => split.Files).ToList();
        Assert.Equal(20, files.Count);
        Assert.Equal(20, files.Distinct().Count());
        Assert.Equal(20, prepared.TrainImages + prepared.ValidationImages + prepared.TestImages);

        // Chunk 1 again, as a redelivery after a crash would bring it: announced again, nothing rewritten, counted once.
        var written = Written();
        var chunks = await Harness.Bus.GetSendEndpoint(new Uri($"queue:{StageQueues.PreprocessorChunks}"));
        await chunks.Send(new PreprocessChunk(runId, chunked.Fingerprint, 1, 3));
        await Poll.UntilAsync(() => Harness.Published.Select<ChunkPrepared>().Count() == 4, "the chunk to be announced again");
        await Poll.UntilAsync(() => Harness.Consumed.Select<ChunkPrepared>().Count() == 4, "the orchestrator to take it");
        Assert.Equal(written, Written());
        Assert.Equal([0, 1, 2], Runs.Find(runId)!.Chunks!.Done);
        Assert.Single(Harness.Sent.Select<AssembleDataset>());
    }

    [Fact]
    public async Task A_class_left_too_small_by_files_quarantined_in_its_chunks_fails_the_run_with_the_reason()
    {
        Service<LocalDatasets>().Register("short", WriteImages(("blue", 10, 0), ("red", 4, 3)));

        var runId = await SubmitAsync("short");
        await Poll.UntilAsync(() => Runs.Find(runId)?.State == RunState.Failed, "the run to fail");

        Assert.Equal(3, Assert.Single(Harness.Published.Select<DatasetChunked>()).Context.Message.Chunks);
        Assert.StartsWith("preprocess: Each class needs at least 5 usable images", Runs.Find(runId)!.Error);
        Assert.Contains("'red' (4)", Runs.Find(runId)!.Error);
    }

    private async Task<Guid> SubmitAsync(string dataset)
    {
        var runId = Guid.NewGuid();
        await Harness.Bus.Publish(new SubmitRun(runId, new RunSpec
        {
            Dataset = dataset,
            Training = new TrainingSpec { Backbone = BackboneNames.MlNetResNet18, Epochs = 1 },
        }));
        return runId;
    }

    /// <summary>Every object under prepared/ with its last write time.</summary>
    private Dictionary<string, DateTime> Written() =>
        Directory.EnumerateFiles(Folder.Combine("objects", "prepared"), "*", SearchOption.AllDirectories).ToDictionary(path => path, File.GetLastWriteTimeUtc);

    /// <summary>Classes of distinct small PNGs, plus <c>broken</c> files in each that are not images at all.</summary>
    private string WriteImages(params (string Name, int Images, int Broken)[] classes)
    {
        var data = Folder.Combine("images");
        foreach (var (name, images, broken) in classes)
        {
            for (var i = 0; i < images; i++)
                TestImageFiles.Solid(Path.Combine(data, name, $"{i}.png"), 20 + i, 16, name == "red" ? TestImageFiles.Red : TestImageFiles.Blue);
            for (var i = 0; i < broken; i++)
                TestImageFiles.Bytes(Path.Combine(data, name, $"broken-{i}.png"), "<html>not a png</html>"u8.ToArray());
        }
        return data;
    }
}
