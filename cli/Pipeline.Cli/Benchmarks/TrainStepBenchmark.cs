using System.Diagnostics;
using Pipeline.Contracts;
using Pipeline.ModelZoo.Backbones;
using Pipeline.ModelZoo.Classification;
using Pipeline.Trainer.Training.Optimization;
using static TorchSharp.torch;

namespace Pipeline.Cli.Benchmarks;

/// <summary>
/// Our side of `bench step`: the trainer's own <see cref="TrainingStep"/> (Adam, cross-entropy, the per-step release) on a
/// classifier with a randomly initialised backbone, over one fixed random uint8 batch on the CPU. Built once; every
/// <see cref="Round"/> runs the warm-up steps, then times the rest.
/// </summary>
public sealed class TrainStepBenchmark : IDisposable
{
    private readonly StepSettings _settings;
    private readonly ImageClassifier _classifier;
    private readonly TrainingOptimizer _optimizer;
    private readonly TrainingLoss _loss;
    private readonly TrainingStep _step;
    private readonly Tensor _images;
    private readonly Tensor _labels;

    public TrainStepBenchmark(StepSettings settings)
    {
        _settings = settings;
        manual_seed(0);
        var spec = new TrainingSpec { Backbone = settings.Backbone, Mode = settings.Mode, BatchSize = settings.BatchSize, LearningRate = settings.LearningRate };
        var classes = Enumerable.Range(0, settings.Classes).Select(label => $"class{label}").ToList();
        _classifier = new ImageClassifier(Backbone.Untrained(settings.Backbone, settings.ImageSize), classes, settings.Mode,
            new PreprocessingSpec { ImageSize = settings.ImageSize });
        _optimizer = new TrainingOptimizer(_classifier, spec);
        _loss = new TrainingLoss(spec, [.. classes.Select(_ => 1)], CPU);
        _step = new TrainingStep(_optimizer, _loss);
        _images = randint(0, 256, [settings.BatchSize, settings.ImageSize, settings.ImageSize, 3], ScalarType.Byte);
        _labels = randint(0, settings.Classes, [settings.BatchSize], ScalarType.Int64);
        _classifier.train();
    }

    public StepRound Round()
    {
        for (var i = 0; i < _settings.Warmup; i++)
            _step.Take(Forward);
        var phases = new StepPhases();
        var timings = new List<double>();
        for (var i = 0; i < _settings.Steps; i++)
        {
            var clock = Stopwatch.StartNew();
            _step.Take(Forward, phases);
            timings.Add(clock.Elapsed.TotalMilliseconds);
        }
        var steps = _settings.Steps;
        return new StepRound(timings, new StepPhasesJson(phases[StepPhase.Forward] / steps, phases[StepPhase.Backward] / steps,
            phases[StepPhase.Optimizer] / steps, phases[StepPhase.Release] / steps));
    }

    private (Tensor Logits, Tensor Labels) Forward() => (_classifier.call(_images), _labels);

    public void Dispose()
    {
        _images.Dispose();
        _labels.Dispose();
        _loss.Dispose();
        _optimizer.Dispose();
        _classifier.Dispose();
    }
}
