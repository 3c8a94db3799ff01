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

namespace Pipeline.ModelZoo.Tests;

[Collection(LibTorchCollection.Name)]
public sealed class CachedFeaturesTests(BackboneFixture fixture, ITestOutputHelper output)
{
    private const int Seed = 5;
    /// <summary>One chunk per shard, and these splits have one shard each.</summary>
    private const string FeatureObjects = "/chunk-";
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
    public async Task Two_trials_storing_the_same_features_at_once_leave_one_complete_set_that_both_use()
    {
        using var folder = new TempDirectory();
        var store = new FileSystemObjectStore(folder.Path);
        var cache = new FeatureCache(store, NullLogger.Instance);
        var key = Key();
        var started = 0;
        var bothComputing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        IEnumerable<FeatureChunk> Compute(float value)
        {
            // Both computations are under way before either stores its result: the writes race.
            if (Interlocked.Increment(ref started) == 2)
                bothComputing.SetResult();
            bothComputing.Task.Wait();
            yield return Chunk(count: 5, value);
            yield return Chunk(count: 3, value);
        }

        var results = await Task.WhenAll(
            Task.Run(() => cache.GetOrComputeAsync(key, () => Compute(1), CancellationToken.None)),
            Task.Run(() => cache.GetOrComputeAsync(key, () => Compute(2), CancellationToken.None)));

        Assert.Equal(results[0].Index.Chunks, results[1].Index.Chunks);
        // The index and the winner's two chunks: the loser removed its own.
        Assert.Equal([key.ObjectKey, .. results[0].Index.Chunks.Select(chunk => chunk.Key)], await ListAsync(store, "prepared/"));
        var values = Read(results[1]).Select(row => row.Value).Distinct().ToList();
        Assert.Single(values);
        Assert.Equal(8, Read(results[0]).Count);
    }

    [Fact]
    public async Task Chunked_features_round_trip_in_order_and_a_half_written_set_is_never_reused()
    {
        using var folder = new TempDirectory();
        var store = new FileSystemObjectStore(folder.Path);
        var cache = new FeatureCache(store, NullLogger.Instance);
        var key = Key();
        IEnumerable<FeatureChunk> Crashing()
        {
            yield return Chunk(count: 4, value: 7);
            throw new IOException("the trainer died mid-way");
        }

        await Assert.ThrowsAsync<IOException>(() => cache.GetOrComputeAsync(key, Crashing, CancellationToken.None));
        Assert.Empty(await ListAsync(store, "prepared/"));

        var computed = 0;
        IEnumerable<FeatureChunk> Complete()
        {
            computed++;
            yield return Chunk(count: 4, value: 1);
            yield return Chunk(count: 2, value: 2);
        }
        var first = await cache.GetOrComputeAsync(key, Complete, CancellationToken.None);
        var again = await cache.GetOrComputeAsync(key, Complete, CancellationToken.None);
        Assert.Equal(1, computed);
        var rows = Read(again);
        Assert.Equal([0, 1, 2, 3, 0, 1], rows.Select(row => row.Label));
        Assert.Equal([1f, 1, 1, 1, 2, 2], rows.Select(row => row.Value));
        Assert.Equal(first.Index.Chunks, again.Index.Chunks);

        // A chunk damaged after the index was written: the set is dropped and computed again, never half used.
        await File.WriteAllBytesAsync(store.PathOf(again.Index.Chunks[1].Key), [1, 2, 3]);
        var recomputed = await cache.GetOrComputeAsync(key, Complete, CancellationToken.None);
        Assert.Equal(2, computed);
        Assert.Equal(6, Read(recomputed).Count);
    }

    private static FeatureKey Key() => new()
    {
        Backbone = BackboneNames.MlNetResNet18, WeightsSha256 = "weights", Normalization = InputNormalization.ImageNet,
        DatasetFingerprint = "dataset", Split = DatasetSplits.Train, Views = 1, Precision = "Float32",
    };

    /// <summary>A chunk of <paramref name="count"/> images whose features are all <paramref name="value"/> and whose labels count up.</summary>
    private static FeatureChunk Chunk(int count, float value) =>
        new(Enumerable.Repeat(value, count * 8).ToArray(), Enumerable.Range(0, count).Select(label => (long)label).ToArray(), views: 1, dimension: 8);

    /// <summary>Every image's first feature and label, in stored order.</summary>
    private static List<(float Value, long Label)> Read(StoredFeatures features) =>
        features.Batches(batchSize: 3, shuffle: null, CancellationToken.None)
            .SelectMany(batch => batch.Select(item => (item.Chunk.Row(0, item.Index)[0], item.Chunk.Label(item.Index))))
            .ToList();

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
