using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Pipeline.Contracts;
using Pipeline.ModelZoo.Classification;
using Pipeline.ModelZoo.Normalization;
using Pipeline.Storage;

namespace Pipeline.Trainer.Training.Features;

/// <summary>
/// Everything a split's cached backbone features depend on. A hash of it names the object, and the whole of it is stored
/// inside the file and compared when read, so features are reused for exactly these inputs and nothing else. With one
/// view nothing is augmented: the seed and the augmentation settings drop out, so every seed shares those features.
/// </summary>
public sealed record FeatureKey
{
    /// <summary>Bump when the file layout or the way views are drawn changes: older files then miss instead of misleading.</summary>
    /// <remarks>2: one chunk per shard under an index (1 was one file per split).</remarks>
    public const int CurrentVersion = 2;

    public int Version { get; init; } = CurrentVersion;
    public required string Backbone { get; init; }
    public required string WeightsSha256 { get; init; }
    public required InputNormalization Normalization { get; init; }

    /// <summary>The prepared dataset's fingerprint: its files, preprocessing options and split.</summary>
    public required string DatasetFingerprint { get; init; }
    public required string Split { get; init; }
    public required int Views { get; init; }

    /// <summary>Null with one view (nothing augmented).</summary>
    public double? MaxDegrees { get; init; }
    public double? FlipProbability { get; init; }
    public int? Seed { get; init; }

    /// <summary>The dtype the frozen backbone computes in (float32, or bfloat16 on a GPU); features are stored as float32 either way.</summary>
    public required string Precision { get; init; }

    /// <summary>Features of <paramref name="split"/> through <paramref name="classifier"/>'s backbone, <paramref name="views"/> per image.</summary>
    public static FeatureKey Of(ImageClassifier classifier, string datasetFingerprint, string split, int views, RandomRotationFlip augmentation, int seed)
    {
        var augmented = views > 1;
        return new FeatureKey
        {
            Backbone = classifier.Backbone.Name,
            WeightsSha256 = classifier.Backbone.WeightsSha256,
            Normalization = classifier.Backbone.Normalization,
            DatasetFingerprint = datasetFingerprint,
            Split = split,
            Views = views,
            MaxDegrees = augmented ? augmentation.MaxDegrees : null,
            FlipProbability = augmented ? augmentation.FlipProbability : null,
            Seed = augmented ? seed : null,
            Precision = classifier.Backbone.FrozenPrecision.ToString(),
        };
    }

    /// <summary>The canonical text of the key: compact JSON, properties in declaration order.</summary>
    public string Describe() => JsonSerializer.Serialize(this, PipelineJson.Compact);

    /// <summary>128 bits of the description's sha256: enough to tell keys apart, short enough to read in a listing.</summary>
    [JsonIgnore]
    public string Id => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Describe())).AsSpan(0, 16));

    [JsonIgnore]
    public string ObjectKey => ObjectKeys.Features(DatasetFingerprint, Split, Id);

    /// <summary>Chunk <paramref name="index"/> as stored by <paramref name="writer"/> (each computing trial writes its own chunks; the index names the winner's).</summary>
    public string ChunkKey(string writer, int index) => ObjectKeys.FeatureChunk(DatasetFingerprint, Split, Id, writer, index);
}
