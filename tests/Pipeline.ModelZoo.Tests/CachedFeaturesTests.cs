using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Contracts;
using Pipeline.Datasets;
using Pipeline.ModelZoo.Backbones;
using Pipeline.ModelZoo.Classification;
using Pipeline.ModelZoo.Normalization;
using Pipeline.Runs;
using Pipeline.Storage;
using Pipeline.Trainer.Training;
using Pipeline.Trainer.Training.Features;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Pipeline.ModelZoo.Tests;

[Collection(LibTorchCollection.Name)]
public sealed class CachedFeaturesTests(BackboneFixture fixture, ITestOutputHelper output)
{
    private const int Seed = 5;
    private const string FeatureObjects = "/features/";
    private const string Shards = "/shard-";

    private static TrainingSpec Spec(int epochs, int views = 1, bool exact = false) =>
        SyntheticDataset.Training with { Epochs = epochs, Views = views, Exact = exact };

    [Fact]
    public async Task Features_are_computed_once_then_reused_by_the_resumed_trial_and_by_another_run()
    {
        using var dataset = await SyntheticDataset.CreateAsync(trainPerClass: 3, validationPerClass: 1, testPerClass: 1);
        var store = new CountingObjectStore(dataset.Store);
        var trainer = new ClassifierTrainer(store, fixture.Registry);
        var runId = Guid.NewGuid();

        await trainer.TrainAsync(new TrainingRequest(runId, "t1", Spec(epochs: 1, views: 2), Seed, dataset.Manifest));
        Assert.Equal(2, store.Puts(FeatureObjects)); // train (two views) and validation
        Assert.Equal(2, store.Reads(Shards));

        // Resumed for a second epoch, and a new run: neither loads an image (so the backbone never runs) nor writes features.
        await trainer.TrainAsync(new TrainingRequest(runId, "t1", Spec(epochs: 2, views: 2), Seed, dataset.Manifest));
        var history = await trainer.TrainAsync(new TrainingRequest(Guid.NewGuid(), "t1", Spec(epochs: 1, views: 2), Seed, dataset.Manifest));
        Assert.Equal((2, 2), (store.Puts(FeatureObjects), store.Reads(Shards)));
        Assert.True(history.BestValidationAccuracy > 0);

        // One view is other features for the training split; validation features do not depend on the views.
        await trainer.TrainAsync(new TrainingRequest(Guid.NewGuid(), "t1", Spec(epochs: 1, views: 1), Seed, dataset.Manifest));
        Assert.Equal((3, 3), (store.Puts(FeatureObjects), store.Reads(Shards)));
    }

    [Fact]
    public void The_feature_key_changes_with_every_input_the_features_depend_on()
    {
        using var classifier = Classifier(fixture.Load(BackboneNames.MlNetResNet18));
        using var otherWeights = Classifier(new Backbone(BackboneNames.MlNetResNet18, "other-weights", classifier.Backbone.Normalization, SyntheticDataset.Size, SyntheticDataset.Size));
        using var otherNormalization = Classifier(new Backbone(BackboneNames.MlNetResNet18, classifier.Backbone.WeightsSha256, InputNormalization.ImageNet,
            SyntheticDataset.Size, SyntheticDataset.Size));
        var augmentation = new RandomRotationFlip();
        FeatureKey Key(ImageClassifier? model = null, string fingerprint = "dataset-a", string split = DatasetSplits.Train, int views = 2,
            RandomRotationFlip? rotationFlip = null, int seed = 1) =>
            FeatureKey.Of(model ?? classifier, fingerprint, split, views, rotationFlip ?? augmentation, seed);

        var keys = new[]
        {
            Key(), Key(model: otherWeights), Key(model: otherNormalization), Key(fingerprint: "dataset-b"), Key(split: DatasetSplits.Validation), Key(views: 3), Key(views: 1),
            Key(rotationFlip: RandomRotationFlip.Of(SyntheticDataset.Training with { Rotation = 10 })),
            Key(rotationFlip: RandomRotationFlip.Of(SyntheticDataset.Training with { Flip = false })), Key(seed: 2),
        };

        Assert.Equal(keys.Length, keys.Select(key => key.ObjectKey).Distinct().Count());
        Assert.All(keys, key => Assert.StartsWith($"prepared/{key.DatasetFingerprint}/features/{key.Split}-", key.ObjectKey));
        // One view is the images as they are: no seed or augmentation in it, so every seed shares those features.
        Assert.Equal(Key(views: 1, seed: 1).ObjectKey, Key(views: 1, seed: 2, rotationFlip: new RandomRotationFlip(maxDegrees: 5)).ObjectKey);
    }

    [Fact]
    public async Task Two_trials_storing_the_same_features_at_once_leave_one_complete_object_that_both_use()
    {
        using var folder = new TempDirectory();
        var store = new FileSystemObjectStore(folder.Path);
        var cache = new FeatureCache(store, NullLogger.Instance);
        var key = new FeatureKey
        {
            Backbone = BackboneNames.MlNetResNet18, WeightsSha256 = "weights", Normalization = InputNormalization.ImageNet,
            DatasetFingerprint = "dataset", Split = DatasetSplits.Train, Views = 1, Precision = "Float32",
        };
        var started = 0;
        var bothComputing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async Task<FeatureSet> Compute(float value)
        {
            // Both computations are under way before either stores its result: the writes race.
            if (Interlocked.Increment(ref started) == 2)
                bothComputing.SetResult();
            await bothComputing.Task;
            return new FeatureSet(full(1, 5, 8, value), arange(5, ScalarType.Int64));
        }

        var results = await Task.WhenAll(
            Task.Run(() => cache.GetOrComputeAsync(key, () => Compute(1), CancellationToken.None)),
            Task.Run(() => cache.GetOrComputeAsync(key, () => Compute(2), CancellationToken.None)));

        using var first = results[0];
        using var second = results[1];
        Assert.Equal([key.ObjectKey], await ListAsync(store, "prepared/"));
        Assert.Equal([Path.GetFileName(key.ObjectKey)], Directory.GetFiles(Path.GetDirectoryName(store.PathOf(key.ObjectKey))!).Select(Path.GetFileName));
        await using var file = await store.OpenSeekableAsync(key.ObjectKey);
        using var stored = FeatureSet.Read(file, key);
        Assert.True(first.Features.eq(stored.Features).all().item<bool>() && second.Features.eq(stored.Features).all().item<bool>(),
            "both trials use the stored features");
    }

    [Fact]
    public async Task Cached_features_with_one_view_train_the_head_as_the_exact_path_does_without_augmentation()
    {
        using var dataset = await SyntheticDataset.CreateAsync(trainPerClass: 3, validationPerClass: 2, testPerClass: 1);
        var trainer = new ClassifierTrainer(dataset.Store, fixture.Registry);

        var cached = await trainer.TrainAsync(new TrainingRequest(Guid.NewGuid(), "cached", Spec(epochs: 2) with { Rotation = 0, Flip = false }, Seed, dataset.Manifest));
        var exact = await trainer.TrainAsync(new TrainingRequest(Guid.NewGuid(), "exact", Spec(epochs: 2, exact: true) with { Rotation = 0, Flip = false }, Seed, dataset.Manifest));

        var cachedHistory = await dataset.Store.GetJsonAsync<TrainingHistory>(cached.HistoryKey);
        var exactHistory = await dataset.Store.GetJsonAsync<TrainingHistory>(exact.HistoryKey);
        foreach (var (c, e) in cachedHistory.Epochs.Zip(exactHistory.Epochs))
        {
            output.WriteLine($"epoch {c.Epoch}: train loss {c.TrainLoss:F6} / {e.TrainLoss:F6}, val loss {c.ValidationLoss:F6} / {e.ValidationLoss:F6}");
            Assert.Equal(e.TrainLoss, c.TrainLoss, 1e-3);
            Assert.Equal(e.ValidationLoss, c.ValidationLoss, 1e-3);
            Assert.Equal((e.TrainAccuracy, e.ValidationAccuracy), (c.TrainAccuracy, c.ValidationAccuracy));
        }
        Assert.True(cachedHistory.Epochs[^1].TrainLoss < cachedHistory.Epochs[0].TrainLoss, "the head learns");
        using var cachedModel = await LoadAsync(dataset.Store, cached.ModelKey);
        using var exactModel = await LoadAsync(dataset.Store, exact.ModelKey);
        var exactHead = exactModel.Weights(includeBackbone: false).ToDictionary(pair => pair.Name, pair => pair.Tensor);
        Assert.All(cachedModel.Weights(includeBackbone: false), pair => Assert.True(pair.Tensor.allclose(exactHead[pair.Name], rtol: 1e-3, atol: 1e-4), pair.Name));
    }

    private static ImageClassifier Classifier(Backbone backbone) =>
        new(backbone, SyntheticDataset.Classes, TrainingMode.Transfer, new PreprocessingSpec());

    private static async Task<ImageClassifier> LoadAsync(IObjectStore store, string key)
    {
        await using var file = await store.OpenSeekableAsync(key);
        return ImageClassifier.Load(file);
    }

    private static async Task<List<string>> ListAsync(IObjectStore store, string prefix)
    {
        var keys = new List<string>();
        await foreach (var key in store.ListAsync(prefix))
            keys.Add(key);
        return keys;
    }
}
