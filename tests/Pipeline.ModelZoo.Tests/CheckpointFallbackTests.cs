using Microsoft.Extensions.Logging;
using Pipeline.Contracts;
using Pipeline.Runs;
using Pipeline.Storage;
using Pipeline.Trainer.Training;

namespace Pipeline.ModelZoo.Tests;

/// <summary>
/// A damaged checkpoint costs epochs, never the trial: on resuming, <c>last</c> falls back to <c>best</c>, then to a fresh
/// start; at the end of the trial, <c>best</c> falls back to <c>last</c>, then to training the trial again.
/// </summary>
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

    [Fact]
    public async Task A_damaged_best_checkpoint_at_the_end_of_a_trial_keeps_the_last_checkpoints_model_with_a_warning_in_log_and_history()
    {
        var (epochs, warnings, history, result) = await TrainAndDamageAtTheEndAsync(damageLast: false);

        Assert.Equal([1, 2], epochs);
        Assert.Equal((2, 2), (result.BestEpoch, history.BestEpoch));
        Assert.Equal(history.Epochs[1].ValidationAccuracy, result.BestValidationAccuracy);
        var warning = Assert.Single(warnings);
        Assert.Contains("checkpoints/best", warning);
        Assert.Contains("do not match the checksum", warning);
        Assert.Contains("the model is the last checkpoint's (epoch 2)", warning);
        Assert.EndsWith(Assert.Single(history.Warnings), warning);
    }

    [Fact]
    public async Task Damaged_best_and_last_checkpoints_at_the_end_of_a_trial_train_it_again_from_the_start_with_a_warning_in_log_and_history()
    {
        var (epochs, warnings, history, result) = await TrainAndDamageAtTheEndAsync(damageLast: true);

        Assert.Equal([1, 2, 1, 2], epochs);
        Assert.Equal([1, 2], history.Epochs.Select(epoch => epoch.Epoch));
        Assert.Equal(2, warnings.Count);
        Assert.EndsWith("are both unusable", warnings[0]);
        Assert.EndsWith("the trial was trained again from the start", warnings[1]);
        Assert.EndsWith(Assert.Single(history.Warnings), warnings[1]);
        Assert.InRange(result.BestEpoch, 1, 2);
    }

    /// <summary>Trains two epochs and, once, right after the last epoch's checkpoints are stored, damages <c>best</c> (and <c>last</c>).</summary>
    private async Task<(List<int> Epochs, List<string> Warnings, TrainingHistory History, TrainingResult Result)> TrainAndDamageAtTheEndAsync(bool damageLast)
    {
        using var dataset = await SyntheticDataset.CreateAsync(trainPerClass: 4, validationPerClass: 2, testPerClass: 1);
        var runId = Guid.NewGuid();
        var logger = new RecordingLogger<ClassifierTrainer>();
        var epochs = new List<int>();
        var result = await new ClassifierTrainer(dataset.Store, fixture.Registry, logger).TrainAsync(
            new TrainingRequest(runId, "t1", Spec with { Epochs = 2 }, Seed, dataset.Manifest),
            async (record, total) =>
            {
                epochs.Add(record.Epoch);
                if (epochs.Count != total)
                    return;
                await DamageAsync(dataset.Store, ObjectKeys.Checkpoint(runId, "t1", "best"));
                if (damageLast)
                    await DamageAsync(dataset.Store, ObjectKeys.Checkpoint(runId, "t1", "last"));
            });
        var warnings = logger.Entries.Where(entry => entry.Level == LogLevel.Warning).Select(entry => entry.Message).ToList();
        return (epochs, warnings, await dataset.Store.GetJsonAsync<TrainingHistory>(result.HistoryKey), result);
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
