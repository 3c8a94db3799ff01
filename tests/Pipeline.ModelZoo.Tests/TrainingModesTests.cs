using Pipeline.Contracts;
using Pipeline.ModelZoo.Classification;
using Pipeline.Runs;
using Pipeline.Storage;
using Pipeline.Trainer.Training;
using Pipeline.Trainer.Training.Optimization;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.ModelZoo.Tests;

/// <summary>Partial mode, early stopping and the device, through the trainer on a tiny synthetic dataset.</summary>
[Collection(LibTorchCollection.Name)]
public sealed class TrainingModesTests(BackboneFixture fixture)
{
    private const int Seed = 5;
    private const string LastStage = "network.layer4.";

    [Fact]
    public void Partial_mode_leaves_only_the_last_stage_and_the_head_trainable()
    {
        using var classifier = new ImageClassifier(fixture.Load(BackboneNames.MlNetResNet18), SyntheticDataset.Classes, TrainingMode.Partial, new PreprocessingSpec());

        classifier.train();

        foreach (var (name, parameter) in classifier.named_parameters())
            Assert.Equal(name.StartsWith("head.") || name.StartsWith("backbone." + LastStage), parameter.requires_grad);
        Assert.Equal(classifier.TrainableNamedParameters().Select(pair => pair.Name), classifier.named_parameters().Where(pair => pair.parameter.requires_grad).Select(pair => pair.name));
        Assert.All(classifier.Backbone.modules().Where(module => module is TorchSharp.Modules.BatchNorm2d), module => Assert.Equal(IsInLastStage(classifier, module), module.training));
    }

    [Fact]
    public async Task Partial_training_changes_the_last_stage_and_nothing_before_it_on_the_exact_path_and_resumes()
    {
        using var dataset = await SyntheticDataset.CreateAsync(trainPerClass: 1, validationPerClass: 1, testPerClass: 1);
        var store = new CountingObjectStore(dataset.Store);
        var trainer = new ClassifierTrainer(store, fixture.Registry);
        var runId = Guid.NewGuid();
        var spec = SyntheticDataset.Training with { Mode = TrainingMode.Partial, LearningRate = 1e-3, BackboneLearningRate = 1e-4 };

        await trainer.TrainAsync(new TrainingRequest(runId, "t1", spec, Seed, dataset.Manifest));
        var result = await trainer.TrainAsync(new TrainingRequest(runId, "t1", spec with { Epochs = 2 }, Seed, dataset.Manifest));

        Assert.Equal(0, store.Puts("/features/"));
        var history = await store.GetJsonAsync<TrainingHistory>(result.HistoryKey);
        Assert.Equal([1, 2], history.Epochs.Select(epoch => epoch.Epoch));
        await using var file = await store.OpenSeekableAsync(result.ModelKey);
        using var trained = ImageClassifier.Load(file);
        using var pretrained = fixture.Load(BackboneNames.MlNetResNet18);
        using var scope = NewDisposeScope();
        var before = pretrained.state_dict();
        var changed = trained.Backbone.state_dict().Where(pair => !pair.Value.eq(before[pair.Key]).all().item<bool>()).Select(pair => pair.Key).ToList();
        Assert.Equal(TrainingMode.Partial, trained.Mode);
        Assert.All(changed, name => Assert.StartsWith(LastStage, name));
        Assert.True(changed.Count > 20, $"only {changed.Count} tensors of the last stage changed");
    }

    [Fact]
    public async Task Patience_stops_training_early_keeps_the_best_epoch_and_a_resumed_trial_stays_stopped()
    {
        using var dataset = await SyntheticDataset.CreateAsync(trainPerClass: 3, validationPerClass: 2, testPerClass: 1);
        var trainer = new ClassifierTrainer(dataset.Store, fixture.Registry);
        var runId = Guid.NewGuid();
        // A learning rate far too large for the head: validation loss soon stops improving.
        var spec = SyntheticDataset.Training with { Epochs = 12, Patience = 2, LearningRate = 1, Device = TrainingDevice.Cpu };
        var reported = new List<int>();
        Task Report(EpochRecord record, int epochs)
        {
            reported.Add(record.Epoch);
            return Task.CompletedTask;
        }

        var result = await trainer.TrainAsync(new TrainingRequest(runId, "t1", spec, Seed, dataset.Manifest), Report);

        var history = await dataset.Store.GetJsonAsync<TrainingHistory>(result.HistoryKey);
        var losses = history.Epochs.Select(epoch => epoch.ValidationLoss).ToList();
        Assert.True(history.StoppedAfterEpoch is { } stopped && stopped < spec.Epochs, $"validation losses {string.Join(", ", losses)} never stopped training");
        Assert.Equal(history.StoppedAfterEpoch, history.Epochs.Count);
        Assert.Equal(history.StoppedAfterEpoch - spec.Patience, losses.IndexOf(losses.Min()) + 1);
        Assert.Contains("patience 2", history.StopReason);
        var best = history.Epochs.MaxBy(epoch => epoch.ValidationAccuracy)!;
        Assert.Equal((best.Epoch, best.ValidationAccuracy), (result.BestEpoch, result.BestValidationAccuracy));

        var again = await trainer.TrainAsync(new TrainingRequest(runId, "t1", spec, Seed, dataset.Manifest), Report);
        Assert.Equal(history.Epochs.Select(epoch => epoch.Epoch), reported);
        Assert.Equal(result, again);
    }

    [Theory]
    [InlineData(new[] { 0.9, 0.8, 0.85, 0.86 }, 2, true)]
    [InlineData(new[] { 0.9, 0.8, 0.85, 0.7 }, 2, false)]
    [InlineData(new[] { 0.9, 0.8, 0.85 }, 2, false)]
    [InlineData(new[] { 0.9, 0.8, double.NaN, double.NaN }, 2, true)]
    [InlineData(new[] { double.NaN, double.NaN }, 2, true)]
    [InlineData(new[] { 0.9, 0.95, 0.97 }, null, false)]
    public void Early_stopping_counts_the_epochs_since_the_lowest_validation_loss_and_never_takes_nan_for_one(double[] losses, int? patience, bool stops)
    {
        var epochs = losses.Select((loss, i) => new EpochRecord(i + 1, 1, 0.5, loss, 0.5, 10, 1)).ToList();

        var reason = EarlyStopping.Reason(epochs, patience);

        Assert.Equal(stops, reason is not null);
        if (stops)
            Assert.Contains($"not improved for {patience} epochs (patience {patience})", reason);
    }

    [Fact]
    public async Task Asking_for_cuda_without_it_fails_before_any_work_saying_how_to_fix_it()
    {
        if (cuda.is_available())
        {
            Assert.Equal(DeviceType.CUDA, TrainingDevices.Resolve(TrainingDevice.Cuda).type);
            return;
        }
        using var dataset = await SyntheticDataset.CreateAsync(trainPerClass: 1, validationPerClass: 1, testPerClass: 1);
        var store = new CountingObjectStore(dataset.Store);
        var trainer = new ClassifierTrainer(store, fixture.Registry);

        var error = await Assert.ThrowsAsync<PipelineException>(() =>
            trainer.TrainAsync(new TrainingRequest(Guid.NewGuid(), "t1", SyntheticDataset.Training with { Device = TrainingDevice.Cuda }, Seed, dataset.Manifest)));

        Assert.Contains("-p:LibTorchFlavor=cuda", error.Message);
        Assert.Contains("--device auto or cpu", error.Message);
        Assert.Equal((0, 0), (store.Puts(""), store.Reads("")));
        Assert.Equal(DeviceType.CPU, TrainingDevices.Resolve(TrainingDevice.Auto).type);
    }

    private static bool IsInLastStage(ImageClassifier classifier, TorchSharp.torch.nn.Module module) =>
        classifier.Backbone.Network.LastStage.modules().Any(inner => ReferenceEquals(inner, module));
}
