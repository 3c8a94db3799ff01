using System.Text.Json;
using Pipeline.Contracts;
using Pipeline.ModelZoo.Classification;
using Pipeline.Trainer.Training;
using Pipeline.Trainer.Training.Optimization;
using static TorchSharp.torch;

namespace Pipeline.ModelZoo.Tests;

/// <summary>The optimiser, loss and schedule a training specification asks for, checked on tiny tensors against hand computation and PyTorch.</summary>
[Collection(LibTorchCollection.Name)]
public sealed class TrainingOptionsTests(BackboneFixture fixture)
{
    /// <summary>Adam's eps, PyTorch's default and the trainer's.</summary>
    private const double AdamEpsilon = 1e-8;

    private ImageClassifier Classifier(TrainingMode mode) =>
        new(fixture.Load(BackboneNames.MlNetResNet18), SyntheticDataset.Classes, mode, new PreprocessingSpec());

    [Theory]
    [InlineData(TrainingMode.Transfer, 0)]
    [InlineData(TrainingMode.Partial, 1)]
    [InlineData(TrainingMode.Finetune, 1)]
    public void The_backbone_learning_rate_applies_to_a_group_of_the_backbones_trainable_layers_only(TrainingMode mode, int backboneGroups)
    {
        using var classifier = Classifier(mode);
        var spec = SyntheticDataset.Training with { Mode = mode, LearningRate = 1e-2, BackboneLearningRate = 1e-4 };

        using var optimizer = new TrainingOptimizer(classifier, spec);

        var groups = optimizer.Adam.ParamGroups.Cast<TorchSharp.Modules.ParamGroup>().ToList();
        Assert.Equal(backboneGroups + 1, groups.Count);
        Assert.Equal([.. Enumerable.Repeat(1e-4, backboneGroups), 1e-2], optimizer.LearningRates);
        Assert.Equal(classifier.HeadParameters().Select(p => p.Handle), groups[^1].Parameters.Select(p => p.Handle));
        if (backboneGroups == 1)
            Assert.Equal(classifier.TrainableBackboneParameters().Select(p => p.Handle), groups[0].Parameters.Select(p => p.Handle));
    }

    [Fact]
    public void Cosine_learning_rates_per_epoch_are_pytorchs_cosine_annealing_and_depend_only_on_the_epoch()
    {
        const int epochs = 5;
        using var classifier = Classifier(TrainingMode.Partial);
        var spec = SyntheticDataset.Training with { Mode = TrainingMode.Partial, Epochs = epochs, LearningRate = 1e-2, BackboneLearningRate = 1e-3, Schedule = LearningRateSchedule.Cosine };
        var pytorch = JsonSerializer.Deserialize<double[]>(SystemPython.RunScript("Python/cosine_lr.py", epochs.ToString(), "1.0"))!;

        using var optimizer = new TrainingOptimizer(classifier, spec);
        using var resumed = new TrainingOptimizer(classifier, spec);

        // Out of order, as a resumed trial starts in the middle.
        foreach (var epoch in new[] { 3, 1, 5, 2, 4 })
        {
            optimizer.StartEpoch(epoch);
            Assert.Equal(1e-3 * pytorch[epoch - 1], optimizer.LearningRates[0], 1e-12);
            Assert.Equal(1e-2 * pytorch[epoch - 1], optimizer.LearningRates[1], 1e-12);
        }
        resumed.StartEpoch(4);
        Assert.Equal(optimizer.LearningRates, resumed.LearningRates);
        Assert.True(pytorch[0] == 1 && pytorch[^1] > 0, "cosine starts at the full rate and never trains an epoch at zero");
    }

    [Fact]
    public void A_constant_schedule_keeps_the_learning_rate()
    {
        using var classifier = Classifier(TrainingMode.Transfer);
        using var optimizer = new TrainingOptimizer(classifier, SyntheticDataset.Training with { LearningRate = 3e-3, Epochs = 4 });

        optimizer.StartEpoch(4);

        Assert.Equal([3e-3], optimizer.LearningRates);
    }

    [Fact]
    public void Label_smoothing_and_balanced_class_weights_give_the_cross_entropy_computed_by_hand()
    {
        using var scope = NewDisposeScope();
        double[][] logits = [[2.0, 0.5, -1.0], [0.1, 0.2, 3.0], [1.0, 1.0, 1.0], [-0.5, 2.5, 0.0]];
        long[] labels = [0, 2, 1, 1];
        int[] trainCounts = [1, 2, 3];
        var logitsTensor = tensor(logits.SelectMany(row => row.Select(x => (float)x)).ToArray(), [4, 3]);
        var labelsTensor = tensor(labels);
        const double smoothing = 0.1;

        // By hand: log-softmax per row; smoothed target (1 - s) on the label plus s / classes on every class;
        // balanced weights total / (classes x count) = 6 / (3 x n); PyTorch divides the weighted sum by the labels' weights.
        double[] LogSoftmax(double[] row) => [.. row.Select(x => x - Math.Log(row.Sum(Math.Exp)))];
        double[] weights = [.. trainCounts.Select(n => 6.0 / (3 * n))];
        double Smoothed(int i) => -Enumerable.Range(0, 3).Sum(c => ((c == labels[i] ? 1 - smoothing : 0) + smoothing / 3) * LogSoftmax(logits[i])[c]);
        var plainExpected = Enumerable.Range(0, 4).Average(i => -LogSoftmax(logits[i])[labels[i]]);
        var smoothedExpected = Enumerable.Range(0, 4).Average(Smoothed);
        var weightedExpected = Enumerable.Range(0, 4).Sum(i => weights[labels[i]] * -LogSoftmax(logits[i])[labels[i]]) / labels.Sum(label => weights[label]);

        double Loss(TrainingSpec spec)
        {
            using var loss = new TrainingLoss(spec, trainCounts, CPU);
            return loss.Of(logitsTensor, labelsTensor).item<float>();
        }

        Assert.Equal(plainExpected, Loss(new TrainingSpec()), 1e-5);
        Assert.Equal(smoothedExpected, Loss(new TrainingSpec { LabelSmoothing = smoothing }), 1e-5);
        Assert.Equal(weightedExpected, Loss(new TrainingSpec { ClassWeights = ClassWeighting.Balanced }), 1e-5);
        Assert.All(weights.Zip(TrainingLoss.BalancedWeights(trainCounts)), pair => Assert.Equal(pair.First, pair.Second, 1e-6));
        Assert.Equal([1f, 1f, 0f], TrainingLoss.BalancedWeights([5, 5, 0]));
    }

    [Fact]
    public void Weight_decay_alone_pulls_every_trained_weight_towards_zero_by_one_learning_rate_in_adams_first_step()
    {
        const double lr = 1e-3;
        using var classifier = Classifier(TrainingMode.Transfer);
        using var scope = NewDisposeScope();
        var before = classifier.HeadParameters().Select(p => p.detach().clone()).ToList();

        foreach (var weightDecay in new[] { 0.0, 0.5 })
        {
            foreach (var (parameter, original) in classifier.HeadParameters().Zip(before))
                using (no_grad())
                    parameter.copy_(original);
            using var optimizer = new TrainingOptimizer(classifier, SyntheticDataset.Training with { LearningRate = lr, WeightDecay = weightDecay });
            optimizer.Adam.zero_grad();
            // A loss whose gradient is zero: only the decay moves the weights. With g = decay x w, Adam's first step is
            // lr x g / (|g| + eps) per weight (its bias-corrected moments are g and g squared): about lr towards zero.
            (classifier.HeadParameters().Select(p => p.sum()).Aggregate((a, b) => a + b) * 0).backward();
            optimizer.Adam.step();

            foreach (var (parameter, original) in classifier.HeadParameters().Zip(before))
            {
                var decayGradient = original * weightDecay;
                var expected = original - decayGradient / (decayGradient.abs() + AdamEpsilon) * lr;
                Assert.True(parameter.allclose(expected, rtol: 0, atol: 1e-7), $"weight decay {weightDecay}: max difference {(parameter - expected).abs().max().item<float>()}");
            }
        }
    }
}
