using System.Text.Json;
using Pipeline.Contracts;

namespace Pipeline.Tests.Contracts;

public sealed class SweepTests
{
    private static RunSpec Parse(string sweep) => JsonSerializer.Deserialize<RunSpec>(
        $$"""{ "dataset": "d", "training": { "backbone": "mlnet-resnet18", "epochs": 2 }, "sweep": {{sweep}} }""", PipelineJson.Options)!;

    [Fact]
    public void A_sweep_is_the_cartesian_product_numbered_in_product_order()
    {
        var spec = Parse("""{ "training.mode": ["transfer", "finetune"], "training.learningRate": [1e-3, 1e-4] }""");

        Assert.Empty(spec.Validate());
        var trials = spec.Trials();

        Assert.Equal(["t1", "t2", "t3", "t4"], trials.Select(t => t.TrialId));
        Assert.Equal(
            [(TrainingMode.Transfer, 1e-3), (TrainingMode.Transfer, 1e-4), (TrainingMode.Finetune, 1e-3), (TrainingMode.Finetune, 1e-4)],
            trials.Select(t => (t.Training.Mode, t.Training.LearningRate)));
        // Fields the sweep does not name keep the run's values.
        Assert.All(trials, t => Assert.Equal((BackboneNames.MlNetResNet18, 2), (t.Training.Backbone, t.Training.Epochs)));
    }

    [Fact]
    public void A_run_without_a_sweep_has_one_trial_with_its_training_and_writes_no_sweep_field()
    {
        var spec = new RunSpec { Dataset = "d", Training = new TrainingSpec { Backbone = BackboneNames.MlNetResNet18 } };

        Assert.Equal([new TrialSpec("t1", spec.Training)], spec.Trials());
        Assert.DoesNotContain("sweep", JsonSerializer.Serialize(spec, PipelineJson.Options));
    }

    [Theory]
    [InlineData("""{ "training.colour": ["red"] }""", "sweep.training.colour", "not a training field")]
    [InlineData("""{ "seed": [1, 2] }""", "sweep.seed", "not a training field")]
    [InlineData("""{ "training.effectiveWeights": ["none"] }""", "sweep.training.effectiveWeights", "not a training field")]
    [InlineData("""{ "training.epochs": [] }""", "sweep.training.epochs", "at least one value")]
    [InlineData("""{ "training.mode": ["transfer", "sideways"] }""", "sweep.training.mode", "'sideways' is not a value of training.mode")]
    [InlineData("""{ "training.epochs": [2, 0] }""", "sweep.training.epochs", "must be between 1 and 10000 (got 0)")]
    [InlineData("""{ "training.backbone": ["resnet50"] }""", "sweep.training.weights", "needs weights")]
    [InlineData("""{ "training.epochs": [1, 2, 3, 4, 5, 6], "training.batchSize": [1, 2, 3, 4, 5, 6] }""", "sweep", "makes 36 trials; at most 32")]
    public void An_unusable_sweep_is_reported_under_its_sweep_field(string sweep, string field, string expected)
    {
        var errors = Parse(sweep).Validate();

        Assert.Contains(errors[field], message => message.Contains(expected, StringComparison.Ordinal));
    }
}
