using System.CommandLine;
using System.Text.Json;
using Pipeline.Contracts;
using Pipeline.Datasets;
using Pipeline.Evaluator.Evaluation;
using Pipeline.Evaluator.Prediction;
using Pipeline.Runs;
using Pipeline.Storage;

namespace Pipeline.Cli.Commands;

/// <summary>`pipeline evaluate`: the full report (metrics, plots, report.html) for a trained model on a new labelled ImageFolder.</summary>
public static class EvaluateCommand
{
    public static Command Create()
    {
        var model = new ModelOptions();
        var dataDir = new Argument<DirectoryInfo>("DIR")
        {
            Description = "An ImageFolder: one sub-folder of images per class, named as the model's classes (a class may be missing).",
        };
        var output = new Option<DirectoryInfo?>("--out") { Description = "Folder for the report (default: evaluations/<time> in --store)." };
        var mistakes = new Option<int>("--mistakes")
        {
            Description = $"How many of the most confident mistakes the report shows (0 to {EvaluationSpec.MaxMistakes}).",
            DefaultValueFactory = _ => new EvaluationSpec().Mistakes,
        };
        var command = new Command("evaluate",
            "Scores a trained model on a labelled ImageFolder and writes the same report as a run's evaluation (metrics.json, " +
            "plots, report.html; training curves and settings when the model sits in a run's trial folder, beside its " +
            "history.json). Images are prepared exactly as the model's training images were; a file that cannot be read is " +
            "reported on stderr and skipped. Prints a Markdown summary (on stderr with --json). Exit code 0 with a report, " +
            "1 when no image could be read, 2 for a usage error.")
        {
            model.Model, dataDir, output, mistakes,
        };
        model.AddOptionsTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var asJson = parse.GetValue(model.Json);
            var evaluation = new EvaluationSpec { BatchSize = parse.GetValue(model.BatchSize), Mistakes = parse.GetValue(mistakes) };
            if (evaluation.Mistakes is < 0 or > EvaluationSpec.MaxMistakes)
                return Rejected(asJson, $"--mistakes must be between 0 and {EvaluationSpec.MaxMistakes}.");
            var folder = parse.GetRequiredValue(dataDir).FullName;
            DatasetListing listing;
            try
            {
                listing = ImageFolder.Scan(Path.GetFileName(folder), folder);
            }
            catch (PipelineException e)
            {
                return Rejected(asJson, $"DIR: {e.Message}");
            }
            var (classifier, modelFile, problem) = await model.LoadAsync(parse);
            if (classifier is null)
                return Rejected(asJson, problem!);
            using (classifier)
            {
                var unknown = listing.Classes.Except(classifier.Classes, StringComparer.Ordinal).ToList();
                if (unknown.Count > 0)
                    return Rejected(asJson,
                        $"DIR: the model knows no class named {string.Join(", ", unknown.Select(name => $"'{name}'"))}; its classes are {string.Join(", ", classifier.Classes)}.");

                var labelOf = classifier.Classes.Select((name, label) => (name, label)).ToDictionary(c => c.name, c => c.label, StringComparer.Ordinal);
                var labels = listing.Files.Select(file => labelOf[listing.Classes[file.Label]]).ToList();
                // A chunk of batches at a time, as predict reads: memory holds one chunk whatever the folder's size.
                var images = new ImageFileStream([.. listing.Files.Select(file => Path.Combine(folder, file.RelativePath))], classifier.Preprocessing,
                    evaluation.BatchSize, labels);
                using var batches = images.Batches(cancellationToken).GetEnumerator();
                if (!batches.MoveNext())
                {
                    CommandOutput.Errors(images.Errors);
                    return CommandOutput.Fail(asJson, EvaluationJson.Rejected("none of the images could be read.", images.Errors),
                        $"none of the {listing.Files.Count} images in '{folder}' could be read.", ExitCodes.RunFailed);
                }
                var scored = ModelScoring.Score(classifier, FromCurrent(batches), images.Loaded, evaluation, cancellationToken);
                CommandOutput.Errors(images.Errors);
                var mistakes = scored.Mistakes.Select(mistake => mistake with { RelativePath = Path.GetRelativePath(folder, mistake.RelativePath) }).ToList();
                var reportDir = parse.GetValue(output)?.FullName
                                ?? Path.Combine(parse.GetValue(model.Store)!.FullName, "evaluations", DateTime.UtcNow.ToString("yyyyMMdd-HHmmss-fff"));
                await new ReportWriter().WriteAsync(new FileSystemObjectStore(reportDir), ReportFiles.In(""), new ReportInput
                {
                    Subject = $"{parse.GetRequiredValue(model.Model)} on {folder}",
                    Metrics = scored.Metrics,
                    History = await TrainingHistoryBesideAsync(modelFile),
                    Dataset = new DatasetSummary(folder, new Dictionary<string, int> { ["evaluated"] = images.Loaded.Count }, images.Errors.Count),
                    Mistakes = mistakes,
                }, cancellationToken);
                if (asJson)
                    CommandOutput.Json(new EvaluationJson(1, reportDir, scored.Metrics.Accuracy, scored.Metrics.Count, images.Errors, null));
                ReportSummary.Print(reportDir, asJson);
                return ExitCodes.Success;
            }
        });
        return command;
    }

    /// <summary>The enumerator's current item, then the rest: a sequence already started (to learn whether it is empty) goes on from where it stands.</summary>
    private static IEnumerable<T> FromCurrent<T>(IEnumerator<T> started)
    {
        do
            yield return started.Current;
        while (started.MoveNext());
    }

    /// <summary>
    /// A model in a run's trial folder has its training history beside it: the report then shows how it was trained.
    /// A model file on its own has none, and an unreadable one is no reason to give up the report.
    /// </summary>
    private static async Task<TrainingHistory?> TrainingHistoryBesideAsync(string modelFile)
    {
        var historyFile = Path.Combine(Path.GetDirectoryName(modelFile)!, ObjectKeys.HistoryFileName);
        if (!File.Exists(historyFile))
            return null;
        try
        {
            await using var stream = File.OpenRead(historyFile);
            return await JsonSerializer.DeserializeAsync<TrainingHistory>(stream, PipelineJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static int Rejected(bool asJson, string message) =>
        CommandOutput.Fail(asJson, EvaluationJson.Rejected(message), message, ExitCodes.BadInput);
}
