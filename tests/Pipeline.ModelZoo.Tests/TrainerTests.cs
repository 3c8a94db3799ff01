using Pipeline.Datasets;
using Pipeline.ModelZoo.Classification;
using Pipeline.Contracts;
using Pipeline.Runs;
using Pipeline.Storage;
using Pipeline.Trainer.Training;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Pipeline.ModelZoo.Tests;

[Collection(LibTorchCollection.Name)]
public sealed class TrainerTests(BackboneFixture fixture, ITestOutputHelper output)
{
    private const int Seed = 5;

    private static TrainingSpec Spec(int epochs) => SyntheticDataset.Training with { Epochs = epochs };

    [Fact]
    public async Task Transfer_training_writes_model_history_and_checkpoints_and_resumes_without_redoing_epochs()
    {
        using var dataset = await SyntheticDataset.CreateAsync(trainPerClass: 8, validationPerClass: 4, testPerClass: 4);
        var trainer = new ClassifierTrainer(dataset.Store, fixture.Registry);
        var runId = Guid.NewGuid();
        var reported = new List<int>();
        Task Report(EpochRecord record, int epochs)
        {
            reported.Add(record.Epoch);
            output.WriteLine($"epoch {record.Epoch}/{epochs}: train loss {record.TrainLoss:F3} acc {record.TrainAccuracy:P0}, val loss {record.ValidationLoss:F3} acc {record.ValidationAccuracy:P0}, {record.ImagesPerSecond:F1} img/s, {record.Seconds:F1} s");
            return Task.CompletedTask;
        }

        var first = await trainer.TrainAsync(new TrainingRequest(runId, "t1", Spec(epochs: 1), Seed, dataset.Manifest), Report);
        Assert.Equal([1], reported);
        foreach (var key in new[] { first.ModelKey, first.HistoryKey, ObjectKeys.Checkpoint(runId, "t1", "last"), ObjectKeys.Checkpoint(runId, "t1", "best") })
            Assert.True(await dataset.Store.ExistsAsync(key), key);

        // A redelivered job with more epochs continues after the stored one instead of starting over.
        var second = await trainer.TrainAsync(new TrainingRequest(runId, "t1", Spec(epochs: 2), Seed, dataset.Manifest), Report);
        Assert.Equal([1, 2], reported);
        var history = await dataset.Store.GetJsonAsync<TrainingHistory>(second.HistoryKey);
        Assert.Equal([1, 2], history.Epochs.Select(e => e.Epoch));
        var firstHistory = history.Epochs[0];
        Assert.Equal(first.BestValidationAccuracy, firstHistory.ValidationAccuracy);
        Assert.Equal(history.BestEpoch, second.BestEpoch);
        Assert.Equal(history.Epochs.Max(e => e.ValidationAccuracy), second.BestValidationAccuracy);
        Assert.True(second.BestValidationAccuracy >= 0.8, $"validation accuracy {second.BestValidationAccuracy:P0} is not clearly above chance (33%)");

        // Finished: a third delivery trains nothing and gives the same answer.
        var third = await trainer.TrainAsync(new TrainingRequest(runId, "t1", Spec(epochs: 2), Seed, dataset.Manifest), Report);
        Assert.Equal([1, 2], reported);
        Assert.Equal(second, third);

        // The stored model is complete and classifies the test split like the validation accuracy promises.
        var test = await SplitImages.LoadAsync(dataset.Store, dataset.Manifest, DatasetSplits.Test);
        await using var modelStream = await dataset.Store.OpenReadAsync(second.ModelKey);
        using var model = ImageClassifier.Load(modelStream);
        var predictions = model.Predict(test, batchSize: 16);
        var testAccuracy = predictions.Labels.Zip(test.Labels).Count(p => p.First == p.Second) / (double)test.Count;
        output.WriteLine($"best epoch {second.BestEpoch}, val acc {second.BestValidationAccuracy:P0}, test acc {testAccuracy:P0}");
        Assert.True(testAccuracy >= 0.7, $"test accuracy {testAccuracy:P0}");
    }

    [Fact]
    public async Task Cancellation_stops_between_batches()
    {
        using var dataset = await SyntheticDataset.CreateAsync(trainPerClass: 4, validationPerClass: 1, testPerClass: 1);
        var trainer = new ClassifierTrainer(dataset.Store, fixture.Registry);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            trainer.TrainAsync(new TrainingRequest(Guid.NewGuid(), "t1", Spec(epochs: 1), Seed, dataset.Manifest), cancellationToken: cancelled.Token));
    }

    [Fact]
    public void Augmentation_with_zero_rotation_and_certain_flip_mirrors_each_image()
    {
        using var scope = NewDisposeScope();
        var images = randint(0, 256, [3, 32, 48, 3], ScalarType.Byte);
        var flipped = new RandomRotationFlip(maxDegrees: 0, flipProbability: 1).Apply(images, new Random(1));
        Assert.True(flipped.eq(images.flip(2)).all().item<bool>());
        var rotated = new RandomRotationFlip().Apply(images, new Random(1));
        Assert.Equal(images.shape, rotated.shape);
        Assert.Equal(ScalarType.Byte, rotated.dtype);
    }

    [Fact]
    public async Task Finetune_training_updates_the_backbone()
    {
        using var dataset = await SyntheticDataset.CreateAsync(trainPerClass: 4, validationPerClass: 1, testPerClass: 1);
        var trainer = new ClassifierTrainer(dataset.Store, fixture.Registry);
        var spec = Spec(epochs: 1) with { Mode = TrainingMode.Finetune, LearningRate = 1e-4 };

        var result = await trainer.TrainAsync(new TrainingRequest(Guid.NewGuid(), "t1", spec, Seed, dataset.Manifest));

        await using var modelStream = await dataset.Store.OpenReadAsync(result.ModelKey);
        using var trained = ImageClassifier.Load(modelStream);
        using var pretrained = fixture.Load(BackboneNames.MlNetResNet18);
        using var scope = NewDisposeScope();
        var before = pretrained.state_dict();
        var changed = trained.Backbone.state_dict().Count(kv => kv.Value.is_floating_point() && !kv.Value.allclose(before[kv.Key]));
        Assert.Equal(TrainingMode.Finetune, trained.Mode);
        Assert.True(changed > 40, $"only {changed} backbone tensors changed in finetune mode");
    }
}
