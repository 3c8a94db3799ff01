using System.CommandLine;
using Pipeline.Contracts;

namespace Pipeline.Cli.Commands;

/// <summary>
/// The training options that `run` and `bench train` share: optimiser, loss, early stopping, augmentation and device.
/// Each command makes its own instance (an option belongs to one command).
/// </summary>
public sealed class TrainingOptions
{
    private static readonly TrainingSpec Defaults = new();

    /// <summary>The option that sets each of these specification fields, so that an error names what the user typed.</summary>
    public static readonly IReadOnlyDictionary<string, string> OptionOf = new Dictionary<string, string>
    {
        ["training.backboneLearningRate"] = "--backbone-lr",
        ["training.weightDecay"] = "--weight-decay",
        ["training.labelSmoothing"] = "--label-smoothing",
        ["training.patience"] = "--patience",
        ["training.rotation"] = "--rotation",
        ["training.flip"] = "--flip",
        ["training.schedule"] = "--schedule",
        ["training.classWeights"] = "--class-weights",
        ["training.device"] = "--device",
    };

    private readonly Option<double?> _backboneLr = new("--backbone-lr")
    {
        Description = "Finetune and partial modes: Adam learning rate of the backbone's trainable layers, e.g. 1e-4 to change pretrained weights " +
                      "more gently than the new head (default: --lr).",
    };

    private readonly Option<double> _weightDecay = new("--weight-decay")
    {
        Description = "Adam's L2 penalty on the trained weights (0 to 1; e.g. 1e-4 against overfitting a small dataset). Default 0: none.",
        DefaultValueFactory = _ => Defaults.WeightDecay,
    };

    private readonly Option<double> _labelSmoothing = new("--label-smoothing")
    {
        Description = "Share of each training target spread over all classes (0 to below 1; e.g. 0.1 against over-confident predictions or noisy labels). Default 0: none.",
        DefaultValueFactory = _ => Defaults.LabelSmoothing,
    };

    private readonly Option<int?> _patience = new("--patience")
    {
        Description = "Early stopping: end the trial after N epochs in a row without a lower validation loss (the best epoch's model is kept). Default: train every epoch.",
        HelpName = "N",
    };

    private readonly Option<double> _rotation = new("--rotation")
    {
        Description = $"Augmentation: largest random rotation of a training image either way, in degrees (0 to 180; 0: none). Default {Defaults.Rotation}.",
        DefaultValueFactory = _ => Defaults.Rotation,
        HelpName = "DEGREES",
    };

    private readonly Option<bool> _flip = new("--flip")
    {
        Description = "Augmentation: mirror half the training images left to right (true or false). Default true; use false when left and right differ (text, road signs).",
        DefaultValueFactory = _ => Defaults.Flip,
    };

    private readonly Option<string> _schedule = ChoiceOption.Create("--schedule",
        "Learning rate over the epochs. constant (default): the same in every epoch; cosine: from the full rate in epoch 1 down a half cosine towards 0 after the last epoch.",
        Defaults.Schedule);

    private readonly Option<string> _classWeights = ChoiceOption.Create("--class-weights",
        "none (default): every image counts the same in the loss; balanced: each class weighs inversely to its number of training images, for imbalanced datasets.",
        Defaults.ClassWeights);

    private readonly Option<string> _device = ChoiceOption.Create("--device",
        "Where training computes. auto (default): a CUDA GPU when the build has CUDA and sees one, else the CPU; cpu; cuda: fail before any work when there is no GPU " +
        "(the CUDA build is -p:LibTorchFlavor=cuda-12.8, see docs/training.md). On a GPU the frozen backbone runs in bfloat16.",
        Defaults.Device);

    public IReadOnlyList<Option> All => [_backboneLr, _weightDecay, _labelSmoothing, _patience, _rotation, _flip, _schedule, _classWeights, _device];

    /// <summary><paramref name="spec"/> with these options' values (defaults where not given).</summary>
    public TrainingSpec Apply(ParseResult parse, TrainingSpec spec) => spec with
    {
        BackboneLearningRate = parse.GetValue(_backboneLr),
        WeightDecay = parse.GetValue(_weightDecay),
        LabelSmoothing = parse.GetValue(_labelSmoothing),
        Patience = parse.GetValue(_patience),
        Rotation = parse.GetValue(_rotation),
        Flip = parse.GetValue(_flip),
        Schedule = ChoiceOption.Parse<LearningRateSchedule>(parse.GetValue(_schedule)!),
        ClassWeights = ChoiceOption.Parse<ClassWeighting>(parse.GetValue(_classWeights)!),
        Device = ChoiceOption.Parse<TrainingDevice>(parse.GetValue(_device)!),
    };
}
