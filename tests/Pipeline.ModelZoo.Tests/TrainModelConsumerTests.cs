using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Contracts;
using Pipeline.Hosting;
using Pipeline.Storage;
using Pipeline.Trainer;
using Pipeline.Trainer.Training;

namespace Pipeline.ModelZoo.Tests;

/// <summary>The Trainer stage as the bus runs it: one trial trained once, redelivery re-announces it, failures become StageFailed.</summary>
[Collection(LibTorchCollection.Name)]
public sealed class TrainModelConsumerTests(BackboneFixture fixture) : ConsumerHarness<TrainModelConsumer>((services, folder) => services
    .AddSingleton<IObjectStore>(new FileSystemObjectStore(Path.Combine(folder, "store")))
    .AddSingleton(fixture.Registry)
    .AddSingleton<RunCancellations>()
    .AddSingleton<ClassifierTrainer>()
    .AddSingleton<TrainerIntake>()
    .AddSingleton<TrialRunner>(), LeaseAnswers.Register)
{
    private static readonly TrainingSpec Training = SyntheticDataset.Training;

    [Fact]
    public async Task A_trial_is_trained_once_and_a_redelivered_command_re_announces_its_model()
    {
        await SyntheticDataset.WriteAsync(Service<IObjectStore>(), trainPerClass: 4, validationPerClass: 2, testPerClass: 1);
        var runId = Guid.NewGuid();
        var command = new TrainModel(runId, "t1", Training, Seed: 3, SyntheticDataset.ManifestKey);

        await Harness.Bus.Publish(command);
        await PublishedAsync<ModelTrained>();
        await Harness.Bus.Publish(command);

        var trained = await PublishedAsync<ModelTrained>(count: 2);
        Assert.Equal((trained[0].ModelKey, trained[0].BestEpoch, trained[0].BestValidationAccuracy), (trained[1].ModelKey, trained[1].BestEpoch, trained[1].BestValidationAccuracy));
        Assert.Equal(ObjectKeys.Model(runId, "t1"), trained[0].ModelKey);
        Assert.Contains("TorchSharp", trained[0].Versions.Keys);
        // The second delivery found the finished trial: no epoch was trained again.
        var epoch = Assert.Single(Harness.Published.Select<EpochCompleted>()).Context.Message;
        Assert.Equal((runId, "t1", 1, 1), (epoch.RunId, epoch.TrialId, epoch.Epoch, epoch.Epochs));
        Assert.False(await Harness.Published.Any<StageFailed>());
    }

    [Fact]
    public async Task The_command_is_acknowledged_once_the_lease_is_held_before_the_first_epoch_ends()
    {
        await SyntheticDataset.WriteAsync(Service<IObjectStore>(), trainPerClass: 4, validationPerClass: 2, testPerClass: 1);

        await Harness.Bus.Publish(new TrainModel(Guid.NewGuid(), "t1", Training with { Epochs = 2 }, Seed: 3, SyntheticDataset.ManifestKey));

        await PublishedAsync<ModelTrained>();
        var consumed = Assert.Single(Harness.Consumed.Select<TrainModel>());
        var firstEpoch = Harness.Published.Select<EpochCompleted>().Min(m => m.StartTime);
        // The broker forgets the command when its consumer returns: a 10-hour trial never meets its consumer timeout.
        Assert.True(consumed.StartTime + consumed.ElapsedTime < firstEpoch, $"consumed in {consumed.ElapsedTime}, before the first epoch at {firstEpoch:O}");
        Assert.Null(consumed.Exception);
    }

    [Fact]
    public async Task A_command_for_a_trial_another_trainer_holds_stands_down_without_training_or_failing()
    {
        await SyntheticDataset.WriteAsync(Service<IObjectStore>(), trainPerClass: 2, validationPerClass: 1, testPerClass: 1);
        var runId = Guid.NewGuid();
        LeaseAnswers.RefusedRuns.Add(runId);

        await Harness.Bus.Publish(new TrainModel(runId, "t1", Training, Seed: 3, SyntheticDataset.ManifestKey));

        Assert.True(await Harness.Consumed.Any<TrainModel>(m => m.Context.Message.RunId == runId));
        await Harness.InactivityTask;
        Assert.False(await Harness.Published.Any<EpochCompleted>());
        Assert.False(await Harness.Published.Any<ModelTrained>());
        Assert.False(await Harness.Published.Any<StageFailed>());
    }

    [Fact]
    public async Task A_trial_that_cannot_train_fails_the_stage_for_that_trial_with_the_reason()
    {
        await SyntheticDataset.WriteAsync(Service<IObjectStore>(), trainPerClass: 2, validationPerClass: 1, testPerClass: 1);
        var runId = Guid.NewGuid();
        var missingWeights = Training with { Backbone = BackboneNames.ResNet50, Weights = "store:weights/nowhere.pth" };

        await Harness.Bus.Publish(new TrainModel(runId, "t2", missingWeights, Seed: 3, SyntheticDataset.ManifestKey));

        var failure = Assert.Single(await PublishedAsync<StageFailed>());
        Assert.Equal(("train", "t2", "The weights 'store:weights/nowhere.pth' are not in the object store."), (failure.Stage, failure.TrialId, failure.Reason));
        Assert.False(await Harness.Published.Any<ModelTrained>());
    }
}
