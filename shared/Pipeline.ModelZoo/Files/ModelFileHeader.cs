using System.Globalization;
using System.Text.Json;
using Pipeline.Contracts;
using Pipeline.ModelZoo.Normalization;

namespace Pipeline.ModelZoo.Files;

/// <summary>
/// What a model file says about itself, kept in its safetensors metadata (string values; lists and records as JSON), so
/// that <c>predict</c> needs nothing else. Without <see cref="IncludesBackbone"/> the file holds only the head
/// (transfer-mode checkpoints): the backbone is then named by <see cref="Backbone"/> + <see cref="BackboneWeightsSha256"/>.
/// </summary>
public sealed record ModelFileHeader
{
    public const string Format = "pipeline-model";
    /// <summary>3: the file carries a checksum (see <see cref="ModelFile"/>); 2, without one, still reads.</summary>
    public const int CurrentSchemaVersion = 3;

    private const int OldestReadableSchemaVersion = 2;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;
    public required IReadOnlyList<string> Classes { get; init; }
    public required string Backbone { get; init; }
    public required string BackboneWeightsSha256 { get; init; }
    public required InputNormalization Normalization { get; init; }

    /// <summary>How the training images were made; prediction makes new images the same way.</summary>
    public required PreprocessingSpec Preprocessing { get; init; }

    public required TrainingMode Mode { get; init; }
    public required bool IncludesBackbone { get; init; }

    public IReadOnlyDictionary<string, string> ToMetadata() => new Dictionary<string, string>
    {
        ["format"] = Format,
        ["schemaVersion"] = SchemaVersion.ToString(CultureInfo.InvariantCulture),
        ["classes"] = Json(Classes),
        ["backbone"] = Backbone,
        ["backboneWeightsSha256"] = BackboneWeightsSha256,
        ["normalization"] = Json(Normalization),
        ["preprocessing"] = Json(Preprocessing),
        ["mode"] = Json(Mode).Trim('"'),
        ["includesBackbone"] = IncludesBackbone ? "true" : "false",
    };

    /// <exception cref="PipelineException">The metadata is not a pipeline model's, or from a schema this build cannot read.</exception>
    public static ModelFileHeader FromMetadata(IReadOnlyDictionary<string, string> metadata)
    {
        string Field(string key) => metadata.TryGetValue(key, out var value) ? value : throw new PipelineException($"The model file's metadata has no '{key}'.");
        if (metadata.GetValueOrDefault("format") != Format)
            throw new PipelineException("This safetensors file is not a pipeline model (its metadata has no \"format\": \"pipeline-model\").");
        var version = int.Parse(Field("schemaVersion"), CultureInfo.InvariantCulture);
        if (version is < OldestReadableSchemaVersion or > CurrentSchemaVersion)
            throw new PipelineException($"Model file schema version {version} is not supported (this build reads {OldestReadableSchemaVersion} to {CurrentSchemaVersion}).");
        try
        {
            return new ModelFileHeader
            {
                SchemaVersion = version,
                Classes = Parse<string[]>(Field("classes")),
                Backbone = Field("backbone"),
                BackboneWeightsSha256 = Field("backboneWeightsSha256"),
                Normalization = Parse<InputNormalization>(Field("normalization")),
                Preprocessing = Parse<PreprocessingSpec>(Field("preprocessing")),
                Mode = Parse<TrainingMode>($"\"{Field("mode")}\""),
                IncludesBackbone = Field("includesBackbone") == "true",
            };
        }
        catch (JsonException e)
        {
            throw new PipelineException($"The model file's metadata is corrupt: {e.Message}", e);
        }
    }

    private static string Json<T>(T value) => JsonSerializer.Serialize(value, PipelineJson.Compact);

    private static T Parse<T>(string json) => JsonSerializer.Deserialize<T>(json, PipelineJson.Compact) ?? throw new JsonException($"null where {typeof(T).Name} was expected");
}
