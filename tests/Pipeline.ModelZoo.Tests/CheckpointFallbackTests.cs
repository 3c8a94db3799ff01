using Microsoft.Extensions.Logging;
using Pipeline.Contracts;
using Pipeline.Runs;
using Pipeline.Storage;
using Pipeline.Trainer.Training;

namespace Pipeline.ModelZoo.Tests;

/// <summary>A damaged checkpoint costs epochs, never the trial: <c>last</c> falls back to <c>best</c>, then to a fresh start.</summary>
[Collection(LibTorchCollection.Name)]
public sealed class CheckpointFallbackTests(BackboneFixture fixture)
{
    private const int Seed = 5;
    private static readonly TrainingSpec Spec = SyntheticDataset.Training;

    [Fact]
    public async Task A_damaged_last_checkpoint_falls_back_to_best_with_a_warning()
    {
        var (epochs, warnings, history) = await TrainDamageAndResumeAsync(damageBest: false);

        Assert.Equal([2], epochs);
        Assert.Equal([1, 2], history.Epochs.Select(epoch => epoch.Epoch));
        var warning = Assert.Single(warnings);
        Assert.Contains("checkpoints/last", warning);
        Assert.Contains("do not match the checksum", warning);
        Assert.EndsWith("trying the best checkpoint", warning);
    }

    [Fact]
    public async Task Damaged_last_and_best_checkpoints_start_the_trial_afresh_with_a_warning()
    {
        var (epochs, warnings, history) = await TrainDamageAndResumeAsync(damageBest: true);

        Assert.Equal([1, 2], epochs);
        Assert.Equal([1, 2], history.Epochs.Select(epoch => epoch.Epoch));
        Assert.Equal(2, warnings.Count);
        Assert.EndsWith("starting the trial afresh", warnings[1]);
    }

    /// <summary>Trains one epoch, damages the stored checkpoints' tensor data, then asks for two epochs.</summary>
    /// <returns>The epochs the second delivery trained, its warnings and the trial's final history.</returns>
    private async Task<(List<int> Epochs, List<string> Warnings, TrainingHistory History)> TrainDamageAndResumeAsync(bool damageBest)
    {
        using var dataset = await SyntheticDataset.CreateAsync(trainPerClass: 4, validationPerClass: 2, testPerClass: 1);
        var runId = Guid.NewGuid();
        await new ClassifierTrainer(dataset.Store, fixture.Registry).TrainAsync(new TrainingRequest(runId, "t1", Spec, Seed, dataset.Manifest));
        await DamageAsync(dataset.Store, ObjectKeys.Checkpoint(runId, "t1", "last"));
        if (damageBest)
            await DamageAsync(dataset.Store, ObjectKeys.Checkpoint(runId, "t1", "best"));

        var logger = new RecordingLogger<ClassifierTrainer>();
        var epochs = new List<int>();
        var result = await new ClassifierTrainer(dataset.Store, fixture.Registry, logger).TrainAsync(
            new TrainingRequest(runId, "t1", Spec with { Epochs = 2 }, Seed, dataset.Manifest),
            (record, _) =>
            {
                epochs.Add(record.Epoch);
                return Task.CompletedTask;
            });
        var warnings = logger.Entries.Where(entry => entry.Level == LogLevel.Warning).Select(entry => entry.Message).ToList();
        return (epochs, warnings, await dataset.Store.GetJsonAsync<TrainingHistory>(result.HistoryKey));
    }

    /// <summary>Flips one bit near the end of the file, inside the last tensor's data: the file still parses.</summary>
    private static async Task DamageAsync(IObjectStore store, string key)
    {
        var bytes = await store.GetBytesAsync(key);
        bytes[^3] ^= 0x10;
        await store.PutBytesAsync(key, bytes);
    }
}
