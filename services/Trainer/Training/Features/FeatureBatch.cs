using Pipeline.Datasets.Streaming;
using static TorchSharp.torch;

namespace Pipeline.Trainer.Training.Features;

public static class FeatureBatch
{
    /// <summary>A batch's feature rows, float [N, dimension], under the view <paramref name="view"/> picks for each image in turn, and its int64 labels, on <paramref name="device"/>.</summary>
    public static (Tensor Features, Tensor Labels) Of(IReadOnlyList<ChunkItem<FeatureChunk>> batch, Func<int> view, Device device)
    {
        var dimension = batch[0].Chunk.Dimension;
        var rows = new float[batch.Count * dimension];
        var labels = new long[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            var (chunk, index) = batch[i];
            chunk.Row(view(), index).CopyTo(rows.AsSpan(i * dimension, dimension));
            labels[i] = chunk.Label(index);
        }
        return (tensor(rows, [batch.Count, dimension], device: device), tensor(labels, device: device));
    }
}
