using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Pipeline.Cli.Embedded;
using Pipeline.Cli.Remote;
using Pipeline.Contracts;
using Pipeline.Weights;

namespace Pipeline.Cli.Commands;

public static class RunCommand
{
    private static readonly RunSpec Defaults = new() { Dataset = "defaults" };

    /// <summary>The option that sets each specification field, so that an error names what the user typed.</summary>
    private static readonly Dictionary<string, string> OptionOf = new()
    {
        ["dataset"] = "DATA_DIR",
        ["seed"] = "--seed",
        ["preprocessing.split"] = "--split",
        ["preprocessing.resize"] = "--resize",
        ["preprocessing.background"] = "--background",
        ["preprocessing.imageSize"] = "--image-size",
        ["training.backbone"] = "--backbone",
        ["training.weights"] = "--weights",
        ["training.mode"] = "--mode",
        ["training.epochs"] = "--epochs",
        ["training.batchSize"] = "--batch-size",
        ["training.learningRate"] = "--lr",
        ["training.views"] = "--views",
        ["training.threads"] = "--threads",
    };

    public static Command Create()
    {
        var dataDir = new Argument<DirectoryInfo>("DATA_DIR") { Description = "An ImageFolder: one sub-folder of images per class." };
        var backbone = new Option<string>("--backbone")
        {
            Description = $"Pretrained backbone: {string.Join(" | ", BackboneNames.All)}. {BackboneNames.MlNetResNet18} ships with the pipeline and works offline.",
            DefaultValueFactory = _ => Defaults.Training.Backbone,
        };
        var weights = new Option<string?>("--weights")
        {
            Description = "ImageNet weights for the backbone: a torchvision state_dict file (.pth, copied into the store once), " +
                          $"a known name ({string.Join(", ", WeightsReference.KnownNames.Keys)}) or store:<key>. Required for resnet50.",
        };
        var mode = ChoiceOption.Create("--mode", "transfer: train only a new head on a frozen backbone; finetune: train all layers.", Defaults.Training.Mode);
        var epochs = new Option<int>("--epochs") { Description = "Training epochs.", DefaultValueFactory = _ => Defaults.Training.Epochs };
        var batchSize = new Option<int>("--batch-size") { Description = "Images per training step.", DefaultValueFactory = _ => Defaults.Training.BatchSize };
        var lr = new Option<double>("--lr") { Description = "Adam learning rate.", DefaultValueFactory = _ => Defaults.Training.LearningRate };
        var views = new Option<int>("--views")
        {
            Description = $"Transfer mode: backbone features are computed once per training image and view, then every epoch trains the head on them. " +
                          $"1 (default): the images as they are; K: the image plus K-1 rotated/flipped copies drawn from --seed (K times the extraction time). See docs/training.md.",
            DefaultValueFactory = _ => Defaults.Training.Views,
        };
        var exact = new Option<bool>("--exact")
        {
            Description = "Transfer mode: run the frozen backbone over freshly augmented images every epoch instead of using cached features (about epochs/views times slower; finetune always does).",
        };
        var seed = new Option<int>("--seed") { Description = "Seed for the split, the head's initialisation and augmentation.", DefaultValueFactory = _ => Defaults.Seed };
        var threads = new Option<int?>("--threads") { Description = "CPU threads for libtorch (default: libtorch's own choice)." };
        var split = new Option<string>("--split") { Description = "Train/validation/test percentages.", DefaultValueFactory = _ => Defaults.Preprocessing.Split.ToString() };
        var resize = ChoiceOption.Create("--resize", "crop: scale the shorter side, cut the overhang (what ImageNet models saw); stretch: scale each side.",
            Defaults.Preprocessing.Resize);
        var imageSize = new Option<int>("--image-size") { Description = "Side of the square images, in pixels.", DefaultValueFactory = _ => Defaults.Preprocessing.ImageSize };
        var background = new Option<string>("--background")
        {
            Description = "Colour that transparent pixels are composited on, as #rrggbb.",
            DefaultValueFactory = _ => Defaults.Preprocessing.Background,
        };
        var store = new Option<DirectoryInfo>("--store")
        {
            Description = "Folder for objects (shards, checkpoints, reports) and the run database.",
            DefaultValueFactory = _ => new DirectoryInfo(".pipeline"),
        };
        var server = new Option<string?>("--server")
        {
            Description = "Run on a pipeline server (distributed mode) instead of in this process: its API URL, e.g. from `pipeline cluster up`. " +
                          "The dataset is uploaded first unless the server already holds the same files; reports are downloaded into --store/reports.",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("PIPELINE_SERVER"),
        };
        var json = new Option<bool>("--json") { Description = "Print exactly one JSON object with the result on stdout (progress stays on stderr)." };
        var verbose = new Option<bool>("--verbose") { Description = "Log what every stage does (to stderr)." };

        var command = new Command("run", "Preprocesses DATA_DIR, trains a classifier and evaluates it, all in this process.")
        {
            dataDir, backbone, weights, mode, epochs, batchSize, lr, views, exact, seed, threads, split, resize, imageSize, background, store, server, json, verbose,
        };
        command.SetAction(async parse =>
        {
            var asJson = parse.GetValue(json);
            var folder = parse.GetRequiredValue(dataDir).FullName;
            var problems = new List<string>();
            var serverUrl = parse.GetValue(server);
            Uri? serverUri = null;
            if (!string.IsNullOrEmpty(serverUrl) && (!Uri.TryCreate(serverUrl, UriKind.Absolute, out serverUri) || serverUri.Scheme is not ("http" or "https")))
                problems.Add($"--server: '{serverUrl}' is not an http(s) URL such as http://127.0.0.1:8080.");
            if (!Directory.Exists(folder))
                problems.Add($"DATA_DIR: the data folder '{folder}' does not exist.");
            var splitText = parse.GetValue(split)!;
            if (!SplitRatios.TryParse(splitText, out var ratios))
                problems.Add($"--split: must look like 70/15/15 (got '{splitText}').");
            var (weightsFile, weightsReference) = await Weights(parse.GetValue(weights), problems);

            var spec = new RunSpec
            {
                Dataset = DatasetNames.FromFolderName(Path.GetFileName(folder.TrimEnd(Path.DirectorySeparatorChar))),
                Seed = parse.GetValue(seed),
                Preprocessing = new PreprocessingSpec
                {
                    Split = ratios,
                    Resize = ChoiceOption.Parse<ResizeMode>(parse.GetValue(resize)!),
                    ImageSize = parse.GetValue(imageSize),
                    Background = parse.GetValue(background)!,
                },
                Training = new TrainingSpec
                {
                    Backbone = parse.GetValue(backbone)!,
                    Weights = weightsReference,
                    Mode = ChoiceOption.Parse<TrainingMode>(parse.GetValue(mode)!),
                    Epochs = parse.GetValue(epochs),
                    BatchSize = parse.GetValue(batchSize),
                    LearningRate = parse.GetValue(lr),
                    Views = parse.GetValue(views),
                    Exact = parse.GetValue(exact),
                    Threads = parse.GetValue(threads),
                },
            };
            foreach (var (field, messages) in spec.Validate())
                problems.AddRange(messages.Select(message => $"{OptionOf.GetValueOrDefault(field, field)}: {message}."));
            var storeFolder = parse.GetValue(store)!.FullName;
            if (problems.Count == 0 && StoreFolder.Prepare(storeFolder) is { } storeProblem)
                problems.Add(storeProblem);
            if (problems.Count > 0)
                return Report(asJson, RunOutcomeJson.Rejected(string.Join(" ", problems)), ExitCodes.BadInput);

            var renderer = new ProgressRenderer(Console.Error);
            var run = new LocalRun(spec, folder, weightsFile, storeFolder);
            RunOutcome outcome;
            try
            {
                outcome = serverUri is null
                    ? await EmbeddedRun.ExecuteAsync(run, parse.GetValue(verbose) ? LogLevel.Information : LogLevel.Warning, renderer)
                    : await RemoteRun.ExecuteAsync(run, serverUri, Path.Combine(storeFolder, "reports"), renderer);
            }
            catch (Exception e) when (e is PipelineException or HttpRequestException)
            {
                var error = e is HttpRequestException ? $"cannot reach the server {serverUri}: {e.Message}" : e.Message;
                return Report(asJson, RunOutcomeJson.Rejected(error), ExitCodes.BadInput);
            }
            if (!asJson)
                renderer.Finished(outcome);
            if (outcome is { State: RunState.Completed, ReportDir: { } reportDir })
                ReportSummary.Print(reportDir, asJson);
            var exitCode = outcome.State switch
            {
                RunState.Completed => ExitCodes.Success,
                RunState.Cancelled => ExitCodes.Of(CtrlC.Received),
                _ => ExitCodes.RunFailed,
            };
            return Report(asJson, RunOutcomeJson.Of(outcome), exitCode);
        });
        return command;
    }

    /// <summary>A local file is named by its content (and copied into the store when the run starts); anything else is a reference.</summary>
    private static async Task<(string? File, string? Reference)> Weights(string? value, List<string> problems)
    {
        if (string.IsNullOrEmpty(value))
            return (null, null);
        if (File.Exists(value))
            return (Path.GetFullPath(value), await WeightsImport.ReferenceAsync(value));
        if (WeightsReference.KnownNames.ContainsKey(value) || WeightsReference.StoreKey(value) is not null)
            return (null, value);
        problems.Add($"--weights: the weights file '{value}' does not exist (nor is it a known name: {string.Join(", ", WeightsReference.KnownNames.Keys)}).");
        return (null, null);
    }

    private static int Report(bool asJson, RunOutcomeJson result, int exitCode)
    {
        if (asJson)
            Console.Out.WriteLine(JsonSerializer.Serialize(result, PipelineJson.Options));
        else if (result.RunId is null)
            Console.Error.WriteLine($"error: {result.Error}");
        return exitCode;
    }
}
