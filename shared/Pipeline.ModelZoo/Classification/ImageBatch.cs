using Pipeline.Datasets;
using Pipeline.Datasets.Streaming;
using Pipeline.Shards;
using static TorchSharp.torch;

namespace Pipeline.ModelZoo.Classification;

public static class ImageBatch
{
    /// <summary>The batch's images as a uint8 [N, H, W, 3] tensor (a copy: the images stay untouched). All have one size.</summary>
    public static Tensor Pixels<TImages>(IReadOnlyList<ChunkItem<TImages>> batch, Device? device = null) where TImages : ILabelledImages
    {
        var (width, height) = (batch[0].Chunk.Width, batch[0].Chunk.Height);
        var perImage = ShardFormat.PixelCount(width, height);
        var pixels = new byte[batch.Count * perImage];
        for (var i = 0; i < batch.Count; i++)
            batch[i].Chunk.Image(batch[i].Index).CopyTo(pixels.AsSpan(i * perImage, perImage));
        return tensor(pixels, [batch.Count, height, width, 3], device: device);
    }

    public static Tensor Labels<TImages>(IReadOnlyList<ChunkItem<TImages>> batch, Device? device = null) where TImages : ILabelledImages =>
        tensor(batch.Select(item => (long)item.Chunk.Label(item.Index)).ToArray(), device: device);
}
