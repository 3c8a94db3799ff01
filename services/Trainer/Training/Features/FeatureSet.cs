using Pipeline.ModelZoo.Files;
using Pipeline.Tensors;
using static TorchSharp.torch;

namespace Pipeline.Trainer.Training.Features;

/// <summary>
/// Backbone features of one split: <see cref="Features"/> is float [Views, Count, Dimension] (view 0 is the images as they
/// are), <see cref="Labels"/> int64 [Count]. Stored as a safetensors file whose metadata holds the <see cref="FeatureKey"/>
/// it was computed for, so that a file is used only for the key it matches.
/// </summary>
public sealed class FeatureSet : IDisposable
{
    private const string FeaturesName = "features";
    private const string LabelsName = "labels";
    private const string KeyMetadata = "featureKey";

    public FeatureSet(Tensor features, Tensor labels)
    {
        if (features.dim() != 3 || labels.dim() != 1 || labels.shape[0] != features.shape[1] || labels.dtype != ScalarType.Int64)
            throw new ArgumentException($"Features must be [views, count, dimension] with int64 labels [count]; got [{string.Join(", ", features.shape)}] and {labels.dtype} [{string.Join(", ", labels.shape)}].");
        Features = features;
        Labels = labels;
    }

    public Tensor Features { get; }
    public Tensor Labels { get; }
    public int Views => (int)Features.shape[0];
    public int Count => (int)Features.shape[1];

    /// <summary>The features of (view, image) pairs, as rows of the views laid end to end: row = view * Count + image.</summary>
    public Tensor Rows(long[] rows) => Features.view(-1, Features.shape[2]).index_select(0, tensor(rows));

    public byte[] ToBytes(FeatureKey key)
    {
        var writer = new SafetensorsWriter();
        writer.Metadata[KeyMetadata] = key.Describe();
        writer.AddTensor(FeaturesName, Features);
        writer.AddTensor(LabelsName, Labels);
        using var buffer = new MemoryStream();
        writer.WriteTo(buffer);
        return buffer.ToArray();
    }

    /// <exception cref="InvalidDataException">The file is not a feature file of exactly <paramref name="key"/>, or is damaged.</exception>
    public static FeatureSet Read(Stream stream, FeatureKey key)
    {
        var reader = new SafetensorsReader(stream);
        if (!reader.Metadata.TryGetValue(KeyMetadata, out var stored) || stored != key.Describe())
            throw new InvalidDataException($"it was computed for {stored ?? "nothing recorded"}, not for {key.Describe()}");
        if (!reader.Header.TryGetTensor(FeaturesName, out var features) || features.Shape.Count != 3 || features.Shape[0] != key.Views)
            throw new InvalidDataException($"it holds no [{key.Views}, count, dimension] '{FeaturesName}' tensor");
        var result = new FeatureSet(empty([.. features.Shape], ScalarType.Float32), empty([features.Shape[1]], ScalarType.Int64));
        try
        {
            reader.CopyTensorTo(FeaturesName, result.Features);
            reader.CopyTensorTo(LabelsName, result.Labels);
            return result;
        }
        catch (PipelineException e)
        {
            result.Dispose();
            throw new InvalidDataException(e.Message, e);
        }
    }

    public void Dispose()
    {
        Features.Dispose();
        Labels.Dispose();
    }
}
