namespace Pipeline.Runs;

/// <summary>
/// Everything a user chooses for one run. The CLI, the HTTP API and the bus messages all carry this
/// one record, so an option added here reaches every entry point.
/// </summary>
public sealed record RunSpec
{
    /// <summary>An ImageFolder: one sub-folder per class. A local path in embedded mode.</summary>
    public required string DataDir { get; init; }

    public string Backbone { get; init; } = BackboneNames.ResNet50;

    /// <summary>A torchvision <c>state_dict</c> file for backbones that need one (resnet50).</summary>
    public string? Weights { get; init; }

    public TrainingMode Mode { get; init; } = TrainingMode.Transfer;
    public int Epochs { get; init; } = 15;
    public int BatchSize { get; init; } = 32;
    public double LearningRate { get; init; } = 1e-3;
    public int Seed { get; init; } = 42;

    /// <summary>Intra-op threads for libtorch; null lets each worker use its own default.</summary>
    public int? Threads { get; init; }

    public SplitRatios Split { get; init; } = SplitRatios.Default;

    /// <summary>The problems that make this spec unusable, worded for the user; empty when it is fine.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(DataDir))
            errors.Add("dataDir is required: a folder with one sub-folder of images per class.");
        if (!BackboneNames.All.Contains(Backbone))
            errors.Add($"Unknown backbone '{Backbone}'. Known backbones: {string.Join(", ", BackboneNames.All)}.");
        else if (BackboneNames.NeedsWeightsFile(Backbone) && string.IsNullOrWhiteSpace(Weights))
            errors.Add($"Backbone '{Backbone}' needs ImageNet weights: give a torchvision state_dict .pth file (--weights PATH, or \"weights\" in the API), " +
                       $"or use --backbone {BackboneNames.MlNetResNet18}, whose weights ship with the pipeline and work offline.");
        if (Epochs is < 1 or > 10_000)
            errors.Add($"epochs must be between 1 and 10000 (got {Epochs}).");
        if (BatchSize is < 1 or > 4096)
            errors.Add($"batchSize must be between 1 and 4096 (got {BatchSize}).");
        if (!(LearningRate > 0 && LearningRate < 10))
            errors.Add($"learningRate must be a positive number below 10 (got {LearningRate}).");
        if (Threads is < 1 or > 1024)
            errors.Add($"threads must be between 1 and 1024 (got {Threads}).");
        if (Split.Error is { } splitError)
            errors.Add(splitError);
        return errors;
    }
}
