using Pipeline.Models.Normalization;
using Pipeline.Runs;

namespace Pipeline.Models.Classification;

/// <summary>
/// The self-description at the start of every model file. Without <see cref="IncludesBackbone"/> the file holds only the
/// head (transfer-mode checkpoints): the backbone is then named by <see cref="Backbone"/> + <see cref="BackboneWeightsSha256"/>.
/// </summary>
public sealed record ModelFileHeader
{
    public const int CurrentSchemaVersion = 1;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;
    public required IReadOnlyList<string> Classes { get; init; }
    public required string Backbone { get; init; }
    public required string BackboneWeightsSha256 { get; init; }
    public required int InputWidth { get; init; }
    public required int InputHeight { get; init; }
    public required InputNormalization Normalization { get; init; }
    public required TrainingMode Mode { get; init; }
    public required bool IncludesBackbone { get; init; }
}
