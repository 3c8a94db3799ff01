using System.Globalization;
using Pipeline.Contracts;

namespace Pipeline.Cli.Embedded;

/// <summary>Human-readable progress on stderr: a preprocessing bar, one line per epoch, stage times.</summary>
public sealed class ProgressRenderer(TextWriter output)
{
    private const int BarWidth = 30;
    private readonly bool _interactive = !Console.IsErrorRedirected;
    private int _lastPercent = -1;

    /// <summary>A sweep's trials train side by side: their lines then start with the trial's id.</summary>
    private bool _manyTrials;

    /// <param name="resumedAt">Where a resumed run continues, in words; null for a new run.</param>
    public void Started(Guid runId, RunSpec spec, string dataDir, string? resumedAt = null)
    {
        var training = spec.Training;
        _manyTrials = spec.Sweep is not null;
        Line($"run {runId:N}{(resumedAt is null ? "" : $" resumed ({resumedAt})")}: {training.Backbone} ({training.Mode.ToString().ToLowerInvariant()}), {training.Epochs} epochs, batch {training.BatchSize}, " +
             $"lr {F(training.LearningRate, "G3")}, split {spec.Preprocessing.Split}, data {dataDir} (dataset '{spec.Dataset}')");
        if (_manyTrials)
            foreach (var trial in spec.Trials())
                Line($"  trial {trial.TrialId}: {trial.Training.Backbone} ({trial.Training.Mode.ToString().ToLowerInvariant()}), {trial.Training.Epochs} epochs, " +
                     $"batch {trial.Training.BatchSize}, lr {F(trial.Training.LearningRate, "G3")}");
    }

    public void Uploaded(string dataset, Pipeline.Datasets.DatasetUpload? upload, Uri server) =>
        Line(upload is null
            ? $"dataset '{dataset}' is already on {server} (same files)"
            : $"uploaded dataset '{dataset}' to {server}: {upload.Files} images, {F(upload.UploadedBytes / 1048576.0, "F1")} MiB");

    public void Preprocessing(PreprocessingProgressed p)
    {
        var percent = p.Total == 0 ? 100 : p.Processed * 100 / p.Total;
        // On a terminal redraw one bar; in a log file write a line every 10%.
        if (_interactive)
        {
            var filled = percent * BarWidth / 100;
            output.Write($"\rpreprocessing [{new string('#', filled)}{new string('.', BarWidth - filled)}] {p.Processed}/{p.Total} images");
            if (p.Processed == p.Total)
                output.WriteLine();
        }
        else if (percent / 10 != _lastPercent / 10)
        {
            Line($"preprocessing {p.Processed}/{p.Total} images ({percent}%)");
        }
        _lastPercent = percent;
    }

    public void Prepared(DatasetPrepared d, double seconds)
    {
        if (_interactive && _lastPercent is >= 0 and < 100)
            output.WriteLine();
        var source = d.FromCache ? "from cache" : $"in {F(seconds, "F1")} s";
        Line($"dataset ready {source}: {d.Classes} classes, train {d.TrainImages} / val {d.ValidationImages} / test {d.TestImages} images, {d.Quarantined} quarantined");
        foreach (var folder in d.IgnoredFolders ?? [])
            Line($"  not a class: '{folder.Name}' ({folder.Reason})");
    }

    public void Epoch(EpochCompleted e) =>
        Line($"{TrialPrefix(e.TrialId)}epoch {e.Epoch}/{e.Epochs}  loss {F(e.TrainLoss, "F4")}  acc {F(e.TrainAccuracy * 100, "F1")}%  " +
             $"val_loss {F(e.ValidationLoss, "F4")}  val_acc {F(e.ValidationAccuracy * 100, "F1")}%  {F(e.ImagesPerSecond, "F1")} img/s  {F(e.Duration.TotalSeconds, "F1")} s");

    public void Trained(ModelTrained t, double seconds) =>
        Line($"{TrialPrefix(t.TrialId)}training done in {F(seconds, "F1")} s: best epoch {t.BestEpoch} (val_acc {F(t.BestValidationAccuracy * 100, "F1")}%)");

    public void Cancelling() => Line("cancelling (Ctrl+C again to abort at once)...");

    public void Finished(RunOutcome outcome)
    {
        var times = string.Join(", ", outcome.StageSeconds.Select(kv => $"{kv.Key} {F(kv.Value, "F1")} s"));
        if (outcome.Trials.Count > 1)
            foreach (var trial in outcome.Trials)
                Line($"  trial {trial.TrialId}: {trial.State.ToString().ToLowerInvariant()}" +
                     (trial.TestAccuracy is { } accuracy ? $", test accuracy {F(accuracy * 100, "F2")}%" : "") + (trial.TrialId == outcome.BestTrialId ? " (best)" : ""));
        switch (outcome.State)
        {
            case RunState.Completed:
                Line($"test accuracy {F(outcome.TestAccuracy.GetValueOrDefault() * 100, "F2")}%  ({times})");
                Line($"report: {Path.Combine(outcome.ReportDir ?? "", "report.html")}");
                break;
            case RunState.Cancelled:
                Line($"run {outcome.RunId:N} cancelled");
                break;
            default:
                Line($"run {outcome.RunId:N} failed: {outcome.Error}");
                break;
        }
    }

    private string TrialPrefix(string trialId) => _manyTrials ? $"{trialId} " : "";

    private void Line(string text) => output.WriteLine(text);

    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
