namespace Pipeline.Contracts;

/// <summary>How a trial trains: the backbone and its weights, the mode and the optimiser's settings.</summary>
public sealed record TrainingSpec
{
    public const int DefaultViews = 1;
    public const int MaxViews = 64;
    public const double DefaultRotation = 15;

    public string Backbone { get; init; } = BackboneNames.ResNet50;

    /// <summary>A weights reference (see <see cref="WeightsReference"/>); null for the backbone's default weights.</summary>
    public string? Weights { get; init; }

    public TrainingMode Mode { get; init; } = TrainingMode.Transfer;
    public int Epochs { get; init; } = 15;
    public int BatchSize { get; init; } = 32;

    /// <summary>Adam's learning rate (the head's, and every layer's unless <see cref="BackboneLearningRate"/> says otherwise).</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Finetune and partial modes: the learning rate of the backbone's trainable layers (a second Adam parameter group); null for <see cref="LearningRate"/>.</summary>
    public double? BackboneLearningRate { get; init; }

    /// <summary>Adam's L2 penalty on the trainable weights (PyTorch Adam's weight_decay); 0 for none.</summary>
    public double WeightDecay { get; init; }

    /// <summary>Share of each training target spread evenly over all classes (0 ≤ x &lt; 1); 0 for plain cross-entropy.</summary>
    public double LabelSmoothing { get; init; }

    /// <summary>Early stopping: the trial ends after this many epochs in a row without a lower validation loss; null trains every epoch.</summary>
    public int? Patience { get; init; }

    /// <summary>Augmentation: the largest rotation of a training image either way, in degrees (0 to 180).</summary>
    public double Rotation { get; init; } = DefaultRotation;

    /// <summary>Augmentation: whether half the training images are mirrored left to right.</summary>
    public bool Flip { get; init; } = true;

    public LearningRateSchedule Schedule { get; init; } = LearningRateSchedule.Constant;
    public ClassWeighting ClassWeights { get; init; } = ClassWeighting.None;
    public TrainingDevice Device { get; init; } = TrainingDevice.Auto;

    /// <summary>
    /// Transfer mode trains the head on backbone features computed once per image and view: view 0 is the image as it is,
    /// views 1..K-1 are augmented copies drawn from the seed. 1 (the default, chosen from measurements in docs/training.md)
    /// means no augmentation.
    /// </summary>
    public int Views { get; init; } = DefaultViews;

    /// <summary>Runs the frozen backbone over freshly augmented images every epoch instead of using cached features (slow; finetune always does).</summary>
    public bool Exact { get; init; }

    /// <summary>Intra-op threads for libtorch; null lets each worker use its own default.</summary>
    public int? Threads { get; init; }

    /// <summary>The backbone's learning rate: its own, or the head's.</summary>
    public double EffectiveBackboneLearningRate => BackboneLearningRate ?? LearningRate;

    /// <summary>The weights this trial uses: the ones named, or the backbone's default.</summary>
    public string? EffectiveWeights => Weights ?? BackboneNames.DefaultWeights(Backbone);

    internal void Validate(ValidationErrors errors)
    {
        if (!BackboneNames.All.Contains(Backbone))
            errors.Add("training.backbone", $"unknown backbone {ValidationErrors.Quote(Backbone)}. Known backbones: {string.Join(", ", BackboneNames.All)}");
        else if (EffectiveWeights is not { } weights)
            errors.Add("training.weights",
                $"backbone '{Backbone}' needs weights: torchvision's ({string.Join(" or ", WeightsReference.KnownNames.Where(pair => pair.Value == Backbone).Select(pair => pair.Key))}, downloaded once), a torchvision " +
                $"state_dict .pth file (--weights PATH on the command line), an https URL, or {WeightsReference.None} for random initialisation; " +
                $"or use backbone {BackboneNames.MlNetResNet18}, whose ImageNet weights ship with the pipeline and work offline");
        else if (weights.Length > WeightsReference.MaxLength)
            errors.Add("training.weights", $"at most {WeightsReference.MaxLength} characters (got {weights.Length})");
        else if (WeightsReference.Problem(weights, Backbone) is { } problem)
            errors.Add("training.weights", problem);
        errors.AddIfUndefined(Mode, "training.mode");
        errors.AddIfUndefined(Schedule, "training.schedule");
        errors.AddIfUndefined(ClassWeights, "training.classWeights");
        errors.AddIfUndefined(Device, "training.device");
        errors.AddIf(Epochs is < 1 or > 10_000, "training.epochs", $"must be between 1 and 10000 (got {Epochs})");
        errors.AddIf(BatchSize is < 1 or > 4096, "training.batchSize", $"must be between 1 and 4096 (got {BatchSize})");
        errors.AddIf(!(LearningRate > 0 && LearningRate < 10), "training.learningRate", $"must be a positive number below 10 (got {LearningRate})");
        errors.AddIf(BackboneLearningRate is { } backboneLr && !(backboneLr > 0 && backboneLr < 10), "training.backboneLearningRate",
            $"must be a positive number below 10 (got {BackboneLearningRate}); leave it out to use the learning rate");
        errors.AddIf(!(WeightDecay >= 0 && WeightDecay <= 1), "training.weightDecay", $"must be between 0 and 1 (got {WeightDecay}); 0 turns it off");
        errors.AddIf(!(LabelSmoothing >= 0 && LabelSmoothing < 1), "training.labelSmoothing", $"must be at least 0 and below 1 (got {LabelSmoothing}); 0 turns it off");
        errors.AddIf(Patience is < 1 or > 10_000, "training.patience", $"must be between 1 and 10000 epochs (got {Patience}); leave it out to train every epoch");
        errors.AddIf(!(Rotation >= 0 && Rotation <= 180), "training.rotation", $"must be between 0 and 180 degrees (got {Rotation}); 0 turns rotation off");
        errors.AddIf(Views is < 1 or > MaxViews, "training.views", $"must be between 1 and {MaxViews} (got {Views}); 1 trains on the un-augmented images");
        errors.AddIf(Threads is < 1 or > 1024, "training.threads", $"must be between 1 and 1024 (got {Threads})");
    }
}
