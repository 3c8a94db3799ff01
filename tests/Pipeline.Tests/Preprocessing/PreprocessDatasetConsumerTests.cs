using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Contracts;
using Pipeline.Hosting;
using Pipeline.Preprocessor;
using Pipeline.Preprocessor.Preprocessing;
using Pipeline.Runs;
using Pipeline.Storage;

namespace Pipeline.Tests.Preprocessing;

/// <summary>The Preprocessor stage as the bus runs it: events out, cache on redelivery, failures as StageFailed.</summary>
public sealed class PreprocessDatasetConsumerTests() : ConsumerHarness<PreprocessDatasetConsumer>((services, folder) => services
    .AddSingleton<IObjectStore>(new FileSystemObjectStore(Path.Combine(folder, "store")))
    .AddSingleton<RunCancellations>()
    .AddSingleton(new PreprocessingOptions { WorkDirectory = Path.Combine(folder, "work") })
    .AddSingleton<DatasetPreparer>())
{
    [Fact]
    public async Task A_dataset_is_prepared_once_and_announced_from_cache_on_redelivery()
    {
        var data = Path.Combine(Folder.Path, "images");
        foreach (var (name, colour) in new[] { ("blue", TestImages.Blue), ("red", TestImages.Red) })
            for (var i = 0; i < 120; i++)
                TestImages.Solid(Path.Combine(data, name, $"{i}.png"), 40, 30, colour);
        var spec = new RunSpec { DataDir = data, Backbone = BackboneNames.MlNetResNet18 };
        var runId = Guid.NewGuid();

        await Harness.Bus.Publish(new PreprocessDataset(runId, spec));
        Assert.True(await Harness.Published.Any<DatasetPrepared>(m => m.Context.Message.RunId == runId));
        await Harness.Bus.Publish(new PreprocessDataset(runId, spec));
        await Harness.InactivityTask;

        var prepared = Harness.Published.Select<DatasetPrepared>().Select(m => m.Context.Message).ToList();
        Assert.Equal([false, true], prepared.Select(p => p.FromCache));
        Assert.Equal(prepared[0].Fingerprint, prepared[1].Fingerprint);
        Assert.Equal((168, 36, 36), (prepared[0].TrainImages, prepared[0].ValidationImages, prepared[0].TestImages));
        Assert.Contains("SixLabors.ImageSharp", prepared[0].Versions.Keys);
        // Progress arrives in order and ends at the total, before the dataset is announced.
        var progress = Harness.Published.Select<PreprocessingProgressed>().Select(m => m.Context.Message.Processed).ToList();
        Assert.Equal(progress.Order(), progress);
        Assert.Equal(240, progress[^1]);
    }

    [Fact]
    public async Task An_unusable_dataset_fails_the_stage_with_the_reason()
    {
        var runId = Guid.NewGuid();
        var missing = Path.Combine(Folder.Path, "nowhere");

        await Harness.Bus.Publish(new PreprocessDataset(runId, new RunSpec { DataDir = missing, Backbone = BackboneNames.MlNetResNet18 }));

        Assert.True(await Harness.Published.Any<StageFailed>(m => m.Context.Message.RunId == runId));
        var failure = Harness.Published.Select<StageFailed>().Single().Context.Message;
        Assert.Equal("preprocess", failure.Stage);
        Assert.Equal($"The dataset folder '{missing}' does not exist.", failure.Reason);
        Assert.False(await Harness.Published.Any<DatasetPrepared>());
    }
}
