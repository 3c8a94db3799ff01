using System.Text;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Contracts;
using Pipeline.Evaluator;
using Pipeline.Evaluator.Evaluation;
using Pipeline.Hosting;
using Pipeline.Storage;
using Pipeline.Trainer.Training;

namespace Pipeline.ModelZoo.Tests;

/// <summary>The Evaluator stage as the bus runs it: a report once, redelivery re-announces it, failures become StageFailed.</summary>
[Collection(LibTorchCollection.Name)]
public sealed class EvaluateModelConsumerTests(BackboneFixture fixture) : ConsumerHarness<EvaluateModelConsumer>((services, folder) => services
    .AddSingleton<IObjectStore>(new FileSystemObjectStore(Path.Combine(folder, "store")))
    .AddSingleton<RunCancellations>()
    .AddSingleton<ReportWriter>()
    .AddSingleton<TrialEvaluator>())
{
    [Fact]
    public async Task A_trial_is_evaluated_once_and_a_redelivered_command_re_announces_its_report()
    {
        var store = Service<IObjectStore>();
        var manifest = await SyntheticDataset.WriteAsync(store, trainPerClass: 4, validationPerClass: 2, testPerClass: 2);
        var runId = Guid.NewGuid();
        var training = SyntheticDataset.Training;
        var trained = await new ClassifierTrainer(store, fixture.Registry).TrainAsync(new TrainingRequest(runId, "t1", training, 3, manifest));
        var command = new EvaluateModel(runId, "t1", new EvaluationSpec { BatchSize = 5 }, Seed: 3, SyntheticDataset.ManifestKey, trained.ModelKey, trained.HistoryKey);

        await Harness.Bus.Publish(command);
        var reportKey = Assert.Single(await PublishedAsync<ModelEvaluated>()).ReportKey;
        var firstReport = await store.GetBytesAsync(reportKey);
        await Harness.Bus.Publish(command);

        var evaluated = await PublishedAsync<ModelEvaluated>(count: 2);
        // The same report announced again; the second announcement's compute is only its own short check.
        Assert.Equal(evaluated[0] with { ComputeSeconds = null }, evaluated[1] with { ComputeSeconds = null });
        Assert.True(evaluated[1].ComputeSeconds < evaluated[0].ComputeSeconds, $"{evaluated[1].ComputeSeconds} s to re-announce, {evaluated[0].ComputeSeconds} s to evaluate");
        Assert.Equal(ObjectKeys.TrialReport(runId, "t1", "report.html"), reportKey);
        Assert.InRange(evaluated[0].TestAccuracy, 0, 1);
        Assert.Equal(firstReport, await store.GetBytesAsync(reportKey));
    }

    [Fact]
    public async Task A_model_file_from_an_earlier_version_fails_the_stage_asking_for_a_rerun()
    {
        var store = Service<IObjectStore>();
        await SyntheticDataset.WriteAsync(store, trainPerClass: 1, validationPerClass: 1, testPerClass: 1);
        var runId = Guid.NewGuid();
        await store.PutBytesAsync("runs/old/model.bin", Encoding.ASCII.GetBytes("PMDL and the rest of an old model"));
        await store.PutJsonAsync("runs/old/history.json", new Runs.TrainingHistory { Training = new TrainingSpec(), Seed = 1, Epochs = [] });

        await Harness.Bus.Publish(new EvaluateModel(runId, "t1", new EvaluationSpec(), Seed: 3, SyntheticDataset.ManifestKey, "runs/old/model.bin", "runs/old/history.json"));

        var failure = Assert.Single(await PublishedAsync<StageFailed>());
        Assert.Equal(("evaluate", "t1"), (failure.Stage, failure.TrialId));
        Assert.Contains("Re-run the training", failure.Reason);
        Assert.False(await Harness.Published.Any<ModelEvaluated>());
    }
}
