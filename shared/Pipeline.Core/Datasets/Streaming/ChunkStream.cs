namespace Pipeline.Datasets.Streaming;

/// <summary>
/// Walks a <see cref="StreamPlan"/> in batches, loading each chunk while the previous one is in use (one chunk of
/// read-ahead): at most a window of chunks, the chunk being read ahead and the current batch are in memory, whatever the
/// split's size. A chunk is dropped once its window's items are handed out (the garbage collector frees it).
/// </summary>
public static class ChunkStream
{
    /// <param name="load">Loads (and checks) the chunk at a position; runs on the thread pool, ahead of its use.</param>
    public static IEnumerable<IReadOnlyList<ChunkItem<TChunk>>> Batches<TChunk>(IReadOnlyList<StreamWindow> plan,
        Func<int, CancellationToken, Task<TChunk>> load, int batchSize, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var sequence = plan.SelectMany(window => window.Chunks).ToArray();
        var next = 0;
        Task<TChunk>? LoadNext()
        {
            if (next == sequence.Length)
                return null;
            var chunk = sequence[next++];
            return Task.Run(() => load(chunk, cancellationToken), cancellationToken);
        }

        var ahead = LoadNext();
        var batch = new List<ChunkItem<TChunk>>(batchSize);
        foreach (var window in plan)
        {
            var loaded = new Dictionary<int, TChunk>();
            foreach (var chunk in window.Chunks)
            {
                // Synchronous on purpose: the epoch's libtorch work stays on its one thread (dispose scopes are per thread).
                loaded[chunk] = ahead!.GetAwaiter().GetResult();
                ahead = LoadNext();
            }
            foreach (var (chunk, item) in window.Items)
            {
                batch.Add(new ChunkItem<TChunk>(loaded[chunk], item));
                if (batch.Count < batchSize)
                    continue;
                yield return batch;
                batch = new List<ChunkItem<TChunk>>(batchSize);
            }
        }
        if (batch.Count > 0)
            yield return batch;
    }
}
