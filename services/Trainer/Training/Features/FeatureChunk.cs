using System.Runtime.InteropServices;
using Pipeline.Tensors;

namespace Pipeline.Trainer.Training.Features;

/// <summary>
/// Backbone features of one shard's images: float [Views, Count, Dimension] (view 0 is the images as they are) and int64
/// labels [Count], in managed memory. Stored as a safetensors file whose metadata holds the <see cref="FeatureKey"/> it was
/// computed for, so that a chunk is used only for the key it matches.
/// </summary>
public sealed class FeatureChunk(float[] features, long[] labels, int views, int dimension)
{
    private const string FeaturesName = "features";
    private const string LabelsName = "labels";
    private const string KeyMetadata = "featureKey";

    public int Views => views;
    public int Count => labels.Length;
    public int Dimension => dimension;

    public ReadOnlySpan<float> Row(int view, int index) => features.AsSpan(((view * Count) + index) * dimension, dimension);
    public long Label(int index) => labels[index];

    public byte[] ToBytes(FeatureKey key)
    {
        var writer = new SafetensorsWriter();
        writer.Metadata[KeyMetadata] = key.Describe();
        writer.Add(FeaturesName, SafetensorsDType.F32, [views, Count, dimension], MemoryMarshal.AsBytes(features.AsSpan()).ToArray());
        writer.Add(LabelsName, SafetensorsDType.I64, [Count], MemoryMarshal.AsBytes(labels.AsSpan()).ToArray());
        return writer.ToArray();
    }

    /// <exception cref="InvalidDataException">The bytes are not a feature chunk of exactly <paramref name="key"/>, or are damaged.</exception>
    public static FeatureChunk Read(byte[] bytes, FeatureKey key)
    {
        try
        {
            var reader = new SafetensorsReader(new MemoryStream(bytes, writable: false));
            if (!reader.Metadata.TryGetValue(KeyMetadata, out var stored) || stored != key.Describe())
                throw new InvalidDataException($"it was computed for {stored ?? "nothing recorded"}, not for {key.Describe()}");
            if (!reader.Header.TryGetTensor(FeaturesName, out var info) || info.DType != SafetensorsDType.F32 || info.Shape.Count != 3 || info.Shape[0] != key.Views)
                throw new InvalidDataException($"it holds no float [{key.Views}, count, dimension] '{FeaturesName}' tensor");
            var features = new float[info.ElementCount];
            var labels = new long[info.Shape[1]];
            reader.ReadTensor(FeaturesName, MemoryMarshal.AsBytes(features.AsSpan()));
            reader.ReadTensor(LabelsName, MemoryMarshal.AsBytes(labels.AsSpan()));
            return new FeatureChunk(features, labels, key.Views, (int)info.Shape[2]);
        }
        catch (Exception e) when (e is PipelineException or ArgumentException or KeyNotFoundException)
        {
            throw new InvalidDataException(e.Message, e);
        }
    }
}
