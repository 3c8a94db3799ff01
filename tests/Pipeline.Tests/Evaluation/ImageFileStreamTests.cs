using Pipeline.Contracts;
using Pipeline.Evaluator.Prediction;

namespace Pipeline.Tests.Evaluation;

/// <summary>`predict` and `evaluate` read folders through <see cref="ImageFileStream"/>: one chunk of batches in memory at a time.</summary>
public sealed class ImageFileStreamTests : IDisposable
{
    private static readonly PreprocessingSpec Preprocessing = new() { ImageSize = 16 };
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Batches_load_one_chunk_at_a_time_and_give_the_same_images_labels_and_order_as_loading_every_file_at_once()
    {
        var files = Enumerable.Range(0, 11)
            .Select(i => TestImageFiles.Bytes(_folder.Combine($"{i:D2}.jpg"), TestImageFiles.NoisyJpeg(seed: i)))
            .ToList();
        var labels = files.Select((_, i) => i % 3).ToList();
        var stream = new ImageFileStream(files, Preprocessing, batchSize: 2, labels, batchesPerChunk: 2);

        var streamed = new List<(int Label, byte[] Pixels)>();
        foreach (var batch in stream.Batches())
        {
            // Memory holds the chunk being consumed: never more than one chunk's images are loaded ahead of the batches handed out.
            Assert.InRange(stream.Loaded.Count - streamed.Count, batch.Count, stream.ChunkSize);
            streamed.AddRange(batch.Select(item => (item.Chunk.Label(item.Index), item.Chunk.Image(item.Index).ToArray())));
        }

        var whole = ImageFiles.Load(files, Preprocessing, labels);
        Assert.Equal(4, stream.ChunkSize);
        Assert.Equal(files, stream.Loaded);
        Assert.Equal(labels, streamed.Select(image => image.Label));
        Assert.Equal(Enumerable.Range(0, files.Count).Select(i => whole.Images.Image(i).ToArray()), streamed.Select(image => image.Pixels));
    }

    [Fact]
    public void A_file_that_cannot_be_read_is_reported_and_skipped_and_the_files_after_it_keep_their_labels()
    {
        var good = Enumerable.Range(0, 5).Select(i => TestImageFiles.Bytes(_folder.Combine($"{i}.jpg"), TestImageFiles.NoisyJpeg(seed: i))).ToList();
        var bad = TestImageFiles.Bytes(_folder.Combine("bad.jpg"), "not a picture"u8.ToArray());
        List<string> files = [good[0], good[1], bad, good[2], good[3], good[4]];
        var stream = new ImageFileStream(files, Preprocessing, batchSize: 2, [0, 1, 2, 3, 4, 5], batchesPerChunk: 1);

        var labels = stream.Batches().SelectMany(batch => batch.Select(item => item.Chunk.Label(item.Index))).ToList();

        Assert.Equal([0, 1, 3, 4, 5], labels);
        Assert.Equal(good, stream.Loaded);
        Assert.Equal(bad, Assert.Single(stream.Errors).Path);
    }
}
