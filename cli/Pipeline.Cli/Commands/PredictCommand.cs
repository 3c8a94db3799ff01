using System.CommandLine;
using System.Globalization;
using Pipeline.Datasets;
using Pipeline.Evaluator.Prediction;
using Pipeline.ModelZoo.Classification;

namespace Pipeline.Cli.Commands;

/// <summary>`pipeline predict`: classifies new images with a trained model, prepared exactly as its training images were.</summary>
public static class PredictCommand
{
    public static Command Create()
    {
        var model = new ModelOptions();
        var images = new Argument<string[]>("IMAGE|DIR")
        {
            Description = "Image files, or folders whose image files (by extension, at any depth) are all classified.",
            Arity = ArgumentArity.OneOrMore,
        };
        var top = new Option<int>("--top") { Description = "How many of the most probable classes to give per image.", DefaultValueFactory = _ => 5 };
        var command = new Command("predict",
            "Classifies images with a trained model: each image is decoded, oriented and resized with the preprocessing and " +
            "normalisation recorded in the model file. Prints CSV on stdout (path,rank,class,probability; rank 1 is the " +
            "prediction). A file that cannot be read is reported on stderr and skipped. Exit code 0 when at least one image " +
            "was classified, 1 when none was, 2 for a usage error.")
        {
            model.Model, images, top,
        };
        model.AddOptionsTo(command);
        command.SetAction(async parse =>
        {
            var asJson = parse.GetValue(model.Json);
            var k = parse.GetValue(top);
            if (k < 1)
                return Rejected(asJson, "--top must be at least 1.");
            var (classifier, _, problem) = await model.LoadAsync(parse);
            if (classifier is null)
                return Rejected(asJson, problem!);
            using (classifier)
            {
                var batchSize = parse.GetValue(model.BatchSize);
                var predictions = new List<ImagePrediction>();
                if (!asJson)
                    Console.Out.WriteLine("path,rank,class,probability");
                // A chunk of whole batches at a time: memory stays bounded for any folder.
                var files = new ImageFileStream(Expand(parse.GetRequiredValue(images)), classifier.Preprocessing, batchSize);
                foreach (var loaded in files.Chunks())
                {
                    var ranked = loaded.Images.Count == 0 ? [] : Rank(classifier.Predict(loaded.Images, batchSize), loaded.Paths, k);
                    predictions.AddRange(ranked);
                    if (!asJson)
                    {
                        WriteCsv(ranked);
                        CommandOutput.Errors(loaded.Errors);
                    }
                }
                if (asJson)
                    CommandOutput.Json(new PredictionsJson(1, predictions, files.Errors, null));
                return predictions.Count > 0 ? ExitCodes.Success : ExitCodes.RunFailed;
            }
        });
        return command;
    }

    /// <summary>Named files as given; a folder's image files in ordinal order of their path (hidden ones left out).</summary>
    private static List<string> Expand(IEnumerable<string> arguments) =>
        arguments.SelectMany<string, string>(argument => Directory.Exists(argument)
                ? Directory.EnumerateFiles(argument, "*", new EnumerationOptions { RecurseSubdirectories = true })
                    .Where(path => ImageFolder.ImageExtensions.Contains(Path.GetExtension(path)))
                    .Order(StringComparer.Ordinal)
                : [argument])
            .ToList();

    private static List<ImagePrediction> Rank(Predictions predictions, IReadOnlyList<string> paths, int k) =>
        Enumerable.Range(0, predictions.Count)
            .Select(i => new ImagePrediction(paths[i], predictions.Top(i, k)
                .Select(label => new ClassProbability(predictions.Classes[label], Math.Round(predictions.Probabilities[i][label], 6)))
                .ToList()))
            .ToList();

    private static void WriteCsv(IEnumerable<ImagePrediction> predictions)
    {
        foreach (var prediction in predictions)
            for (var rank = 0; rank < prediction.Top.Count; rank++)
                Console.Out.WriteLine(string.Join(',', Csv(prediction.Path), rank + 1, Csv(prediction.Top[rank].Class),
                    prediction.Top[rank].Probability.ToString("0.######", CultureInfo.InvariantCulture)));
    }

    /// <summary>RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled.</summary>
    private static string Csv(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") < 0 ? field : $"\"{field.Replace("\"", "\"\"")}\"";

    private static int Rejected(bool asJson, string message) =>
        CommandOutput.Fail(asJson, PredictionsJson.Rejected(message), message, ExitCodes.BadInput);
}
