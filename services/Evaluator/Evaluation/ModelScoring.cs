using Pipeline.Contracts;
using Pipeline.Datasets;
using Pipeline.Datasets.Streaming;
using Pipeline.ModelZoo.Classification;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace Pipeline.Evaluator.Evaluation;

/// <summary>Scores a classifier on labelled images: what a trial's test split and `pipeline evaluate` on a new folder both do.</summary>
public static class ModelScoring
{
    private const int ThumbnailSize = 96;

    /// <param name="batches">The images in order, a batch at a time (a streamed split holds one batch in memory); labels index into the classifier's classes.</param>
    /// <param name="paths">Where image i came from, as the report shows it.</param>
    public static ScoredModel Score<TImages>(ImageClassifier classifier, IEnumerable<IReadOnlyList<ChunkItem<TImages>>> batches, IReadOnlyList<string> paths,
        EvaluationSpec evaluation, CancellationToken cancellationToken) where TImages : ILabelledImages
    {
        var truth = new List<int>();
        var predicted = new List<int>();
        var probabilities = new List<float>();
        // The most confident mistakes so far, least confident (then latest) on top: only these keep a thumbnail.
        var mistakes = new PriorityQueue<MisclassifiedExample, (double Confidence, int Later)>();
        foreach (var (batch, predictions) in classifier.PredictBatches(batches, cancellationToken))
            for (var i = 0; i < batch.Count; i++)
            {
                var (label, guess, index) = (batch[i].Chunk.Label(batch[i].Index), predictions.Labels[i], truth.Count);
                truth.Add(label);
                predicted.Add(guess);
                probabilities.AddRange(predictions.Probabilities[i]);
                var rank = (Confidence: (double)predictions.Probabilities[i][guess], Later: -index);
                if (guess == label || evaluation.Mistakes == 0 || (mistakes.Count == evaluation.Mistakes && rank.CompareTo(Least(mistakes)) <= 0))
                    continue;
                var example = new MisclassifiedExample(paths[index], classifier.Classes[label], classifier.Classes[guess], rank.Confidence,
                    Thumbnail(batch[i].Chunk, batch[i].Index));
                if (mistakes.Count == evaluation.Mistakes)
                    mistakes.Dequeue();
                mistakes.Enqueue(example, rank);
            }
        var metrics = ClassificationMetrics.Compute(classifier.Classes, truth.ToArray(), predicted.ToArray(), probabilities.ToArray());
        // The most confident mistakes first: those say most about what the model confuses.
        var ordered = mistakes.UnorderedItems.OrderByDescending(pair => pair.Priority).Select(pair => pair.Element).ToList();
        return new ScoredModel(metrics, ordered);
    }

    private static (double, int) Least(PriorityQueue<MisclassifiedExample, (double Confidence, int Later)> mistakes)
    {
        mistakes.TryPeek(out _, out var least);
        return least;
    }

    private static byte[] Thumbnail(ILabelledImages images, int index)
    {
        using var image = Image.LoadPixelData<Rgb24>(images.Image(index), images.Width, images.Height);
        image.Mutate(x => x.Resize(ThumbnailSize, ThumbnailSize));
        using var png = new MemoryStream();
        image.SaveAsPng(png);
        return png.ToArray();
    }
}
