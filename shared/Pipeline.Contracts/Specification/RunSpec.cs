using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pipeline.Contracts;

/// <summary>
/// Everything a user chooses for one run, in groups: each stage's command carries its own group plus the seed,
/// never the whole specification. Later versions add fields inside the groups, never remove or rename them.
/// </summary>
public sealed record RunSpec
{
    /// <summary>The dataset's name (see <see cref="DatasetNames"/>): an ImageFolder with one sub-folder of images per class.</summary>
    public required string Dataset { get; init; }

    /// <summary>Seeds the split, the head's initialisation and augmentation.</summary>
    public int Seed { get; init; } = 42;

    public PreprocessingSpec Preprocessing { get; init; } = new();
    public TrainingSpec Training { get; init; } = new();
    public EvaluationSpec Evaluation { get; init; } = new();

    /// <summary>
    /// Values to try for <c>training.*</c> fields (<c>{"training.mode": ["transfer", "finetune"]}</c>): one trial per
    /// combination (see <see cref="Sweeps"/>); null for a run of one trial with <see cref="Training"/> as it is.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, JsonElement[]>? Sweep { get; init; }

    /// <summary>The problems that make this specification unusable, keyed by field path; empty when it is fine.</summary>
    public IReadOnlyDictionary<string, string[]> Validate()
    {
        var errors = new ValidationErrors();
        errors.AddIf(!DatasetNames.IsValid(Dataset), "dataset",
            $"{ValidationErrors.Quote(Dataset)} is not a dataset name: lower-case letters, digits, '.', '_' and '-', starting with a letter or digit, at most {DatasetNames.MaxLength}");
        Preprocessing.Validate(errors);
        Training.Validate(errors);
        Evaluation.Validate(errors);
        if (errors.IsEmpty)
            Sweeps.Expand(this, errors);
        return errors.ToDictionary();
    }

    /// <summary>The trials of a valid specification: one per sweep combination (t1..tN in product order), or t1 alone.</summary>
    public IReadOnlyList<TrialSpec> Trials() => Sweeps.Expand(this, new ValidationErrors());
}
