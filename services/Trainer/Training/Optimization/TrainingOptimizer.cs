using Pipeline.Contracts;
using Pipeline.ModelZoo.Classification;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Trainer.Training.Optimization;

/// <summary>
/// Adam over a classifier's trainable parameters in up to two groups: the backbone's trainable layers at
/// <see cref="TrainingSpec.EffectiveBackboneLearningRate"/> (finetune and partial modes), then the head at
/// <see cref="TrainingSpec.LearningRate"/>, both with <see cref="TrainingSpec.WeightDecay"/>. The groups keep the
/// classifier's parameter order, which checkpoints rely on to pair Adam's state with parameter names.
/// </summary>
public sealed class TrainingOptimizer : IDisposable
{
    /// <summary>Each group's learning rate before the schedule, in the order of Adam's groups.</summary>
    private readonly double[] _baseRates;
    private readonly TrainingSpec _spec;

    public TrainingOptimizer(ImageClassifier classifier, TrainingSpec spec)
    {
        _spec = spec;
        var groups = new List<(Adam.ParamGroup Group, double BaseRate)>();
        if (classifier.TrainableBackboneParameters().ToList() is { Count: > 0 } backbone)
            groups.Add((new Adam.ParamGroup(backbone, lr: spec.EffectiveBackboneLearningRate, weight_decay: spec.WeightDecay), spec.EffectiveBackboneLearningRate));
        groups.Add((new Adam.ParamGroup(classifier.HeadParameters(), lr: spec.LearningRate, weight_decay: spec.WeightDecay), spec.LearningRate));
        Adam = optim.Adam(groups.Select(pair => pair.Group), spec.LearningRate, weight_decay: spec.WeightDecay);
        _baseRates = [.. groups.Select(pair => pair.BaseRate)];
    }

    public Adam Adam { get; }

    /// <summary>Each group's learning rate now, the backbone's first.</summary>
    public IReadOnlyList<double> LearningRates => [.. Adam.ParamGroups.Select(group => group.LearningRate)];

    /// <summary>Sets every group's learning rate for <paramref name="epoch"/> (1-based) from the schedule; it depends on nothing else, so a resumed trial gets the same rates.</summary>
    public void StartEpoch(int epoch)
    {
        var factor = LearningRateSchedules.Factor(_spec.Schedule, epoch, _spec.Epochs);
        foreach (var (group, baseRate) in Adam.ParamGroups.Zip(_baseRates))
            group.LearningRate = baseRate * factor;
    }

    public void Dispose() => Adam.Dispose();
}
