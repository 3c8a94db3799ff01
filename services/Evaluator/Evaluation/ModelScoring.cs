using Pipeline.Contracts;
using Pipeline.Datasets;
using Pipeline.ModelZoo.Classification;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace Pipeline.Evaluator.Evaluation;

/// <summary>Scores a classifier on labelled images: what a trial's test split and `pipeline evaluate` on a new folder both do.</summary>
public static class ModelScoring
{
    private const int ThumbnailSize = 96;

    /// <param name="images">Labels index into the classifier's classes.</param>
    /// <param name="paths">Where image i came from, as the report shows it.</param>
    public static ScoredModel Score(ImageClassifier classifier, SplitImages images, IReadOnlyList<string> paths, EvaluationSpec evaluation, CancellationToken cancellationToken)
    {
        var predictions = classifier.Predict(images, evaluation.BatchSize, cancellationToken);
        var metrics = ClassificationMetrics.Compute(classifier.Classes, images.Labels, predictions.Labels,
            predictions.Probabilities.SelectMany(row => row).ToArray());
        return new ScoredModel(metrics, Mistakes(images, paths, predictions, evaluation.Mistakes));
    }

    /// <summary>The most confident mistakes first: those say most about what the model confuses.</summary>
    private static List<MisclassifiedExample> Mistakes(SplitImages images, IReadOnlyList<string> paths, Predictions predictions, int count) =>
        Enumerable.Range(0, images.Count)
            .Where(i => predictions.Labels[i] != images.Labels[i])
            .OrderByDescending(i => predictions.Probabilities[i][predictions.Labels[i]])
            .Take(count)
            .Select(i => new MisclassifiedExample(paths[i], predictions.Classes[images.Labels[i]], predictions.Classes[predictions.Labels[i]],
                predictions.Probabilities[i][predictions.Labels[i]], Thumbnail(images, i)))
            .ToList();

    private static byte[] Thumbnail(SplitImages images, int index)
    {
        using var image = Image.LoadPixelData<Rgb24>(images.Image(index), images.Width, images.Height);
        image.Mutate(x => x.Resize(ThumbnailSize, ThumbnailSize));
        using var png = new MemoryStream();
        image.SaveAsPng(png);
        return png.ToArray();
    }
}
