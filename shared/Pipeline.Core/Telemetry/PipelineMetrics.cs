using System.Diagnostics;
using System.Diagnostics.Metrics;
using Pipeline.Runs;

namespace Pipeline.Telemetry;

/// <summary>
/// Every instrument the pipeline records, on <see cref="PipelineTelemetry.Meter"/>. Names and units are listed, with the
/// names Prometheus shows, in docs/telemetry.md; the Grafana dashboard (infra/grafana/dashboards) queries them.
/// </summary>
public static class PipelineMetrics
{
    public const string RunsName = "pipeline.runs";

    public static readonly Counter<long> ImagesPreprocessed = PipelineTelemetry.Meter.CreateCounter<long>(
        "pipeline.preprocess.images", "{image}", "Images decoded, resized and written to shards.");

    public static readonly Counter<long> ImagesQuarantined = PipelineTelemetry.Meter.CreateCounter<long>(
        "pipeline.preprocess.quarantined", "{image}", "Images set aside as unreadable or invalid.");

    public static readonly Gauge<double> PreprocessThroughput = PipelineTelemetry.Meter.CreateGauge<double>(
        "pipeline.preprocess.throughput", "{image}/s", "Images per second of the last preprocessed dataset.");

    public static readonly Gauge<double> TrainThroughput = PipelineTelemetry.Meter.CreateGauge<double>(
        "pipeline.train.throughput", "{image}/s", "Training images per second of a trial's last epoch.");

    public static readonly Histogram<double> EpochDuration = PipelineTelemetry.Meter.CreateHistogram<double>(
        "pipeline.train.epoch.duration", "s", "Wall time of one training epoch, validation included.");

    public static readonly Gauge<double> Loss = PipelineTelemetry.Meter.CreateGauge<double>(
        "pipeline.train.loss", null, "A trial's mean loss in its last epoch, by split (train or validation).");

    public static readonly Gauge<double> Accuracy = PipelineTelemetry.Meter.CreateGauge<double>(
        "pipeline.train.accuracy", null, "A trial's accuracy (0..1) in its last epoch, by split (train or validation).");

    public static readonly Gauge<double> TestAccuracy = PipelineTelemetry.Meter.CreateGauge<double>(
        "pipeline.evaluate.test_accuracy", null, "A trial's accuracy (0..1) on the held-out test split.");

    public static readonly Histogram<double> StageDuration = PipelineTelemetry.Meter.CreateHistogram<double>(
        "pipeline.stage.duration", "s", "Wall time of one attempt at a stage's work, by stage and outcome.");

    public static readonly Histogram<double> ObjectStoreDuration = PipelineTelemetry.Meter.CreateHistogram<double>(
        "pipeline.object_store.duration", "s", "Latency of one object-store call, by operation and outcome.");

    public static readonly Counter<long> ObjectStoreRetries = PipelineTelemetry.Meter.CreateCounter<long>(
        "pipeline.object_store.retries", "{retry}", "Object-store requests tried again after a transient failure.");

    /// <summary>
    /// Records one finished epoch of a trial as a span (loss, accuracy and images/s as attributes; the checkpoint saves
    /// that follow are its children) and in the epoch instruments.
    /// </summary>
    public static Activity? Epoch(Guid runId, string trialId, EpochRecord epoch)
    {
        var trial = TrialTags(runId, trialId);
        EpochDuration.Record(epoch.Seconds, trial);
        TrainThroughput.Record(epoch.ImagesPerSecond, trial);
        Loss.Record(epoch.TrainLoss, Split(trial, "train"));
        Accuracy.Record(epoch.TrainAccuracy, Split(trial, "train"));
        Loss.Record(epoch.ValidationLoss, Split(trial, "validation"));
        Accuracy.Record(epoch.ValidationAccuracy, Split(trial, "validation"));
        return PipelineTelemetry.StartSpanThatBegan("epoch", TimeSpan.FromSeconds(epoch.Seconds),
            ("pipeline.epoch", epoch.Epoch), ("pipeline.train.loss", epoch.TrainLoss), ("pipeline.train.accuracy", epoch.TrainAccuracy),
            ("pipeline.validation.loss", epoch.ValidationLoss), ("pipeline.validation.accuracy", epoch.ValidationAccuracy),
            ("pipeline.images_per_second", epoch.ImagesPerSecond));
    }

    /// <summary>
    /// Records a dataset's decode pass (<paramref name="usable"/> images kept, <paramref name="quarantined"/> set aside) as a
    /// span and in the preprocessing instruments.
    /// </summary>
    public static Activity? Decoded(int usable, int quarantined, TimeSpan took)
    {
        ImagesPreprocessed.Add(usable);
        ImagesQuarantined.Add(quarantined);
        if (took > TimeSpan.Zero)
            PreprocessThroughput.Record((usable + quarantined) / took.TotalSeconds);
        return PipelineTelemetry.StartSpanThatBegan("preprocess decode", took, ("pipeline.images", usable), ("pipeline.quarantined", quarantined));
    }

    /// <summary>Records a trial's accuracy on its test split.</summary>
    public static void Tested(Guid runId, string trialId, double accuracy) => TestAccuracy.Record(accuracy, TrialTags(runId, trialId));

    /// <summary>The attributes of a trial's measurements.</summary>
    public static TagList TrialTags(Guid runId, string trialId) =>
        new() { { PipelineTelemetry.RunIdTag, runId.ToString() }, { PipelineTelemetry.TrialIdTag, trialId } };

    private static TagList Split(TagList trial, string split)
    {
        var tags = trial;
        tags.Add("pipeline.split", split);
        return tags;
    }
}
