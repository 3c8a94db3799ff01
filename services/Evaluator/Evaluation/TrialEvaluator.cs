using Pipeline.Datasets;
using Pipeline.ModelZoo.Classification;
using Pipeline.Runs;
using Pipeline.Storage;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace Pipeline.Evaluator.Evaluation;

/// <summary>Scores a trained model on the test split and writes the report. A finished report is reused, not redone.</summary>
public sealed class TrialEvaluator(IObjectStore store, ReportWriter reports)
{
    private const int ThumbnailSize = 96;

    public async Task<TrialEvaluation> EvaluateAsync(EvaluationRequest command, CancellationToken cancellationToken)
    {
        var files = ReportFiles.For(command.RunId, command.TrialId);
        // The HTML is written last: when it exists, so does everything before it (a redelivered command).
        if (await store.ExistsAsync(files.HtmlKey, cancellationToken))
        {
            var done = await store.GetJsonAsync<ClassificationMetrics>(files.MetricsKey, cancellationToken);
            return new TrialEvaluation(files.MetricsKey, files.HtmlKey, done.Accuracy);
        }

        var manifest = await store.GetJsonAsync<DatasetManifest>(command.ManifestKey, cancellationToken);
        var history = await store.GetJsonAsync<TrainingHistory>(command.HistoryKey, cancellationToken);
        var test = await SplitImages.LoadAsync(store, manifest, DatasetSplits.Test, cancellationToken);
        Predictions predictions;
        await using (var model = await store.OpenSeekableAsync(command.ModelKey, cancellationToken))
        using (var classifier = ImageClassifier.Load(model))
            predictions = classifier.Predict(test, command.Evaluation.BatchSize, cancellationToken);

        var metrics = ClassificationMetrics.Compute(manifest.Classes, test.Labels, predictions.Labels,
            predictions.Probabilities.SelectMany(row => row).ToArray());
        await reports.WriteAsync(store, command.RunId, command.TrialId, new ReportInput
        {
            Metrics = metrics,
            History = history,
            Dataset = new DatasetSummary(manifest.Source, manifest.Splits.ToDictionary(s => s.Key, s => s.Value.Count), manifest.Quarantine.Count),
            Mistakes = Mistakes(manifest, test, predictions, command.Evaluation.Mistakes),
        }, cancellationToken);
        return new TrialEvaluation(files.MetricsKey, files.HtmlKey, metrics.Accuracy);
    }

    /// <summary>The most confident mistakes first: those say most about what the model confuses.</summary>
    private static List<MisclassifiedExample> Mistakes(DatasetManifest manifest, SplitImages test, Predictions predictions, int count)
    {
        var files = manifest[DatasetSplits.Test].Files;
        return Enumerable.Range(0, test.Count)
            .Where(i => predictions.Labels[i] != test.Labels[i])
            .OrderByDescending(i => predictions.Probabilities[i][predictions.Labels[i]])
            .Take(count)
            .Select(i => new MisclassifiedExample(files[i], manifest.Classes[test.Labels[i]], manifest.Classes[predictions.Labels[i]],
                predictions.Probabilities[i][predictions.Labels[i]], Thumbnail(test, i)))
            .ToList();
    }

    private static byte[] Thumbnail(SplitImages images, int index)
    {
        using var image = Image.LoadPixelData<Rgb24>(images.Image(index), images.Width, images.Height);
        image.Mutate(x => x.Resize(ThumbnailSize, ThumbnailSize));
        using var png = new MemoryStream();
        image.SaveAsPng(png);
        return png.ToArray();
    }
}
