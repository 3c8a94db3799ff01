namespace Pipeline.Datasets.Streaming;

/// <summary>Chunks held in memory together, and the order their items are visited in.</summary>
/// <param name="Chunks">Chunk positions in the split, in loading order.</param>
/// <param name="Items">(chunk position, item) pairs.</param>
public sealed record StreamWindow(IReadOnlyList<int> Chunks, IReadOnlyList<(int Chunk, int Item)> Items);
