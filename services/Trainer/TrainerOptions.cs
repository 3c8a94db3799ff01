namespace Pipeline.Trainer;

/// <summary><c>Pipeline:Trainer</c>: this worker's resources.</summary>
public sealed class TrainerOptions
{
    public const string Section = "Pipeline:Trainer";

    /// <summary>libtorch threads for a trial whose specification names none; null keeps libtorch's own choice.
    /// Several trainers on one machine each get their share of the cores.</summary>
    public int? Threads { get; set; }

    /// <summary>Where converted and downloaded weights are cached; null for ~/.cache/pipeline/weights.</summary>
    public string? WeightsCache { get; set; }
}
