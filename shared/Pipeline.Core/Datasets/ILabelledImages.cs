namespace Pipeline.Datasets;

/// <summary>Labelled uint8 HWC RGB images addressed by position: a whole split in memory, or one shard of it.</summary>
public interface ILabelledImages
{
    int Count { get; }
    int Width { get; }
    int Height { get; }
    ReadOnlySpan<byte> Image(int index);
    int Label(int index);
}
