namespace Pipeline.Contracts;

/// <summary>How a trial trains: the backbone and its weights, the mode and the optimiser's settings.</summary>
public sealed record TrainingSpec
{
    public const int DefaultViews = 1;
    public const int MaxViews = 64;

    public string Backbone { get; init; } = BackboneNames.ResNet50;

    /// <summary>A weights reference (see <see cref="WeightsReference"/>); null for the backbone's default weights.</summary>
    public string? Weights { get; init; }

    public TrainingMode Mode { get; init; } = TrainingMode.Transfer;
    public int Epochs { get; init; } = 15;
    public int BatchSize { get; init; } = 32;

    /// <summary>Adam's learning rate.</summary>
    public double LearningRate { get; init; } = 1e-3;

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
        errors.AddIf(!Enum.IsDefined(Mode), "training.mode", $"must be transfer or finetune (got {Mode})");
        errors.AddIf(Epochs is < 1 or > 10_000, "training.epochs", $"must be between 1 and 10000 (got {Epochs})");
        errors.AddIf(BatchSize is < 1 or > 4096, "training.batchSize", $"must be between 1 and 4096 (got {BatchSize})");
        errors.AddIf(!(LearningRate > 0 && LearningRate < 10), "training.learningRate", $"must be a positive number below 10 (got {LearningRate})");
        errors.AddIf(Views is < 1 or > MaxViews, "training.views", $"must be between 1 and {MaxViews} (got {Views}); 1 trains on the un-augmented images");
        errors.AddIf(Threads is < 1 or > 1024, "training.threads", $"must be between 1 and 1024 (got {Threads})");
    }
}
