using Pipeline.Datasets;
using Pipeline.Datasets.Streaming;
using Pipeline.ModelZoo.Classification;
using Pipeline.Runs;
using Pipeline.Storage;
using Pipeline.Telemetry;

namespace Pipeline.Evaluator.Evaluation;

/// <summary>Scores a trained model on the test split, streamed a batch at a time, and writes the report. A finished report is reused, not redone.</summary>
public sealed class TrialEvaluator(IObjectStore store, ReportWriter reports)
{
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
        var test = new SplitStream(store, manifest, DatasetSplits.Test);
        ScoredModel scored;
        await using (var model = await store.OpenSeekableAsync(command.ModelKey, cancellationToken))
        using (var classifier = ImageClassifier.Load(model))
        using (PipelineTelemetry.StartSpan("evaluation")?.SetTag("pipeline.images", manifest[DatasetSplits.Test].Count))
            scored = ModelScoring.Score(classifier, test.Batches(command.Evaluation.BatchSize, shuffle: null, cancellationToken), manifest[DatasetSplits.Test].Files, command.Evaluation, cancellationToken);
        PipelineMetrics.Tested(command.RunId, command.TrialId, scored.Metrics.Accuracy);

        await reports.WriteAsync(store, files, new ReportInput
        {
            Subject = $"Run {command.RunId}, trial {command.TrialId}",
            Metrics = scored.Metrics,
            History = history,
            Dataset = new DatasetSummary(manifest.Source, manifest.Splits.ToDictionary(s => s.Key, s => s.Value.Count), manifest.Quarantine.Count),
            Mistakes = scored.Mistakes,
        }, cancellationToken);
        return new TrialEvaluation(files.MetricsKey, files.HtmlKey, scored.Metrics.Accuracy);
    }
}
