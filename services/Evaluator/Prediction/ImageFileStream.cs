using Pipeline.Contracts;
using Pipeline.Datasets;
using Pipeline.Datasets.Streaming;

namespace Pipeline.Evaluator.Prediction;

/// <summary>
/// Image files loaded a chunk of whole batches at a time (<see cref="ImageFiles.Load"/> on each chunk), so that memory
/// holds one chunk whatever the number of files; `predict` and `evaluate` both read folders this way. Without unreadable
/// files the batches are the ones a single pass over all the files would make.
/// </summary>
/// <param name="labels">The true label of each file (for scoring); all 0 when null.</param>
/// <param name="batchesPerChunk">Batches loaded at once.</param>
public sealed class ImageFileStream(IReadOnlyList<string> paths, PreprocessingSpec preprocessing, int batchSize, IReadOnlyList<int>? labels = null,
    int batchesPerChunk = ImageFileStream.DefaultBatchesPerChunk)
{
    public const int DefaultBatchesPerChunk = 16;

    private readonly List<string> _loaded = [];
    private readonly List<ImageFileError> _errors = [];

    /// <summary>Files per chunk.</summary>
    public int ChunkSize { get; } = batchSize * batchesPerChunk;

    /// <summary>The files that decoded so far, in order: image i of the stream came from <c>Loaded[i]</c>.</summary>
    public IReadOnlyList<string> Loaded => _loaded;

    /// <summary>The files that did not decode so far.</summary>
    public IReadOnlyList<ImageFileError> Errors => _errors;

    /// <summary>Each chunk as it is loaded (one at a time; <see cref="Loaded"/> and <see cref="Errors"/> include it when it is handed out).</summary>
    public IEnumerable<LoadedImages> Chunks(CancellationToken cancellationToken = default)
    {
        for (var start = 0; start < paths.Count; start += ChunkSize)
        {
            var count = Math.Min(ChunkSize, paths.Count - start);
            var chunk = ImageFiles.Load(paths.Skip(start).Take(count).ToList(), preprocessing, labels?.Skip(start).Take(count).ToList(), cancellationToken);
            _loaded.AddRange(chunk.Paths);
            _errors.AddRange(chunk.Errors);
            yield return chunk;
        }
    }

    /// <summary>The decoded images, a batch at a time, chunk after chunk.</summary>
    public IEnumerable<IReadOnlyList<ChunkItem<SplitImages>>> Batches(CancellationToken cancellationToken = default) =>
        Chunks(cancellationToken).SelectMany(chunk => chunk.Images.Batches(batchSize));
}
