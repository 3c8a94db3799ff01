namespace Pipeline.Datasets.Streaming;

/// <summary>
/// The order one pass visits a split stored in chunks. Shuffled: the chunks in a random order, then the items of every
/// <c>window</c> consecutive chunks shuffled together, so only a window of chunks is ever needed in memory. Drawn from the
/// caller's random stream (the epoch's), so the same seed and epoch give the same order, and a resumed epoch sees it again.
/// </summary>
public static class StreamPlan
{
    /// <summary>Chunks shuffled together: with 512-image shards, 2 hold about 150 MiB of 224-pixel images.</summary>
    public const int DefaultWindow = 2;

    /// <param name="shuffle">Null: every chunk and item in stored order (one window per chunk).</param>
    public static IReadOnlyList<StreamWindow> For(IReadOnlyList<int> chunkSizes, int window, Random? shuffle)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        var chunks = Enumerable.Range(0, chunkSizes.Count).ToArray();
        shuffle?.Shuffle(chunks);
        return chunks.Chunk(shuffle is null ? 1 : window).Select(group =>
        {
            var items = group.SelectMany(chunk => Enumerable.Range(0, chunkSizes[chunk]).Select(item => (chunk, item))).ToArray();
            shuffle?.Shuffle(items);
            return new StreamWindow(group, items);
        }).ToList();
    }
}
