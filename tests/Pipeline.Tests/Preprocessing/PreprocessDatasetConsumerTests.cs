using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Contracts;
using Pipeline.Datasets;
using Pipeline.Hosting;
using Pipeline.Preprocessor;
using Pipeline.Preprocessor.Preprocessing;
using Pipeline.Storage;

namespace Pipeline.Tests.Preprocessing;

/// <summary>The Preprocessor stage as the bus runs it: datasets by name, events out, cache on redelivery, failures as StageFailed.</summary>
public sealed class PreprocessDatasetConsumerTests() : ConsumerHarness<PreprocessDatasetConsumer>((services, folder) => services
    .AddSingleton<IObjectStore>(new FileSystemObjectStore(Path.Combine(folder, "store")))
    .AddSingleton<RunCancellations>()
    .AddSingleton<LocalDatasets>()
    .AddSingleton<IDatasetCatalog, DatasetCatalog>()
    .AddSingleton(new PreprocessorOptions { WorkDirectory = Path.Combine(folder, "work") })
    .AddSingleton<DatasetPreparer>()
    .AddSingleton<ChunkDocuments>())
{
    [Fact]
    public async Task A_local_dataset_is_prepared_once_and_announced_from_cache_on_redelivery()
    {
        Service<LocalDatasets>().Register("colours", WriteImages(120));
        var runId = Guid.NewGuid();
        var command = new PreprocessDataset(runId, "colours", new PreprocessingSpec(), Seed: 42);

        await Harness.Bus.Publish(command);
        await PublishedAsync<DatasetPrepared>();
        await Harness.Bus.Publish(command);

        var prepared = await PublishedAsync<DatasetPrepared>(count: 2);
        Assert.Equal([false, true], prepared.Select(p => p.FromCache));
        Assert.Equal(prepared[0].Fingerprint, prepared[1].Fingerprint);
        Assert.Equal((2, 168, 36, 36, 0), (prepared[0].Classes, prepared[0].TrainImages, prepared[0].ValidationImages, prepared[0].TestImages, prepared[0].Quarantined));
        Assert.Contains("SixLabors.ImageSharp", prepared[0].Versions.Keys);
        // Progress arrives in order and ends at the total, before the dataset is announced.
        var progress = Harness.Published.Select<PreprocessingProgressed>().Select(m => m.Context.Message.Processed).ToList();
        Assert.Equal(progress.Order(), progress);
        Assert.Equal(240, progress[^1]);
    }

    [Fact]
    public async Task A_dataset_uploaded_to_the_store_is_prepared_by_name_with_no_local_folder()
    {
        var upload = await new DatasetUploader(Service<IObjectStore>()).UploadAsync("colours", WriteImages(10));
        var runId = Guid.NewGuid();

        await Harness.Bus.Publish(new PreprocessDataset(runId, "colours", new PreprocessingSpec(), Seed: 42));

        var prepared = Assert.Single(await PublishedAsync<DatasetPrepared>());
        Assert.Equal((20, 20), (upload.Uploaded, prepared.TrainImages + prepared.ValidationImages + prepared.TestImages));
        var manifest = await Service<IObjectStore>().GetJsonAsync<DatasetManifest>(prepared.ManifestKey);
        Assert.Equal("colours", manifest.Source);
    }

    [Fact]
    public async Task An_unknown_dataset_fails_the_stage_with_the_reason()
    {
        var runId = Guid.NewGuid();

        await Harness.Bus.Publish(new PreprocessDataset(runId, "nowhere", new PreprocessingSpec(), Seed: 42));

        var failure = Assert.Single(await PublishedAsync<StageFailed>());
        Assert.Equal(("preprocess", null), (failure.Stage, failure.TrialId));
        Assert.StartsWith("There is no dataset named 'nowhere' in the object store", failure.Reason);
        Assert.False(await Harness.Published.Any<DatasetPrepared>());
    }

    [Fact]
    public async Task A_command_for_a_cancelled_run_does_no_work_even_when_this_process_missed_the_broadcast()
    {
        Service<LocalDatasets>().Register("colours", WriteImages(10));
        var runId = Guid.NewGuid();
        await Service<IObjectStore>().PutBytesAsync(ObjectKeys.CancelMarker(runId), []);

        await Harness.Bus.Publish(new PreprocessDataset(runId, "colours", new PreprocessingSpec(), Seed: 42));

        Assert.True(await Harness.Consumed.Any<PreprocessDataset>());
        await Harness.InactivityTask;
        Assert.False(await Harness.Published.Any<PreprocessingProgressed>());
        Assert.False(await Harness.Published.Any<DatasetPrepared>());
        Assert.False(await Harness.Published.Any<StageFailed>());
        Assert.Empty(await Service<IObjectStore>().ListAsync("prepared/").ToListAsync());
    }

    /// <summary>A blue and a red class of <paramref name="perClass"/> small PNGs each.</summary>
    private string WriteImages(int perClass)
    {
        var data = Path.Combine(Folder.Path, "images");
        foreach (var (name, colour) in new[] { ("blue", TestImageFiles.Blue), ("red", TestImageFiles.Red) })
            for (var i = 0; i < perClass; i++)
                TestImageFiles.Solid(Path.Combine(data, name, $"{i}.png"), 40 + i, 30, colour); // distinct files: identical ones share a split
        return data;
    }
}
