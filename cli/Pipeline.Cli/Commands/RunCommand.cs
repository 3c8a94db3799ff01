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
    private static readonly Dictionary<string, string> OptionOf = new(TrainingOptions.OptionOf)
    {
        ["dataset"] = "DATA_DIR",
        ["sweep"] = "--sweep",
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
        var dataDir = new Argument<DirectoryInfo?>("DATA_DIR")
        {
            Description = "An ImageFolder: one sub-folder of images per class. With --resume, only when the folder moved since the run started.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var backbone = new Option<string>("--backbone")
        {
            Description = $"Backbone: {string.Join(" | ", BackboneNames.All)}. The resnets are torchvision's (weights by --weights); " +
                          $"{BackboneNames.MlNetResNet18} is an ImageNet ResNet18 that ships with the pipeline and works offline.",
            DefaultValueFactory = _ => Defaults.Training.Backbone,
        };
        var weights = new Option<string?>("--weights")
        {
            Description = $"Backbone weights: {WeightsReference.None} (random initialisation, as torchvision's); a torchvision name, downloaded once into " +
                          $"~/.cache/pipeline/weights and checked against the hash in its name ({string.Join(", ", WeightsReference.KnownNames.Keys.Where(key => key != WeightsReference.MlNetResNet18))}); " +
                          "store:<key> (a state_dict in the object store); a local state_dict .pth file (copied into the store once); or an https URL of a " +
                          "torchvision-style file whose name carries the start of its sha256 (e.g. .../resnet50-0676ba61.pth). Required for the resnets.",
        };
        var mode = ChoiceOption.Create("--mode",
            "transfer: train only a new head on a frozen backbone (fastest: cached features); partial: train the backbone's last stage (layer4) and the head, " +
            "the rest frozen; finetune: train all layers.", Defaults.Training.Mode);
        var epochs = new Option<int>("--epochs") { Description = "Training epochs.", DefaultValueFactory = _ => Defaults.Training.Epochs };
        var batchSize = new Option<int>("--batch-size") { Description = "Images per training step.", DefaultValueFactory = _ => Defaults.Training.BatchSize };
        var lr = new Option<double>("--lr") { Description = "Adam learning rate (the head's, and the backbone's unless --backbone-lr).", DefaultValueFactory = _ => Defaults.Training.LearningRate };
        var views = new Option<int>("--views")
        {
            Description = $"Transfer mode: backbone features are computed once per training image and view, then every epoch trains the head on them. " +
                          $"1 (default): the images as they are; K: the image plus K-1 rotated/flipped copies drawn from --seed (K times the extraction time). See docs/training.md.",
            DefaultValueFactory = _ => Defaults.Training.Views,
        };
        var exact = new Option<bool>("--exact")
        {
            Description = "Transfer mode: run the frozen backbone over freshly augmented images every epoch instead of using cached features (about epochs/views times slower; finetune and partial always do).",
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
        var resume = new Option<string?>("--resume")
        {
            Description = "Continue an interrupted run (its process was killed) of this --store from its last checkpoint, with its own specification: " +
                          "the RUN_ID printed when it started. Options that change the specification cannot be given with it.",
            HelpName = "RUN_ID",
        };
        var training = new TrainingOptions();
        var sweep = SweepOption.Create();
        var json = new Option<bool>("--json") { Description = "Print exactly one JSON object with the result on stdout (progress stays on stderr)." };
        var verbose = new Option<bool>("--verbose") { Description = "Log what every stage does (to stderr)." };

        var command = new Command("run", "Preprocesses DATA_DIR, trains a classifier and evaluates it, all in this process.")
        {
            dataDir, backbone, weights, mode, epochs, batchSize, lr, views, exact, seed, threads, split, resize, imageSize, background, sweep, store, server, resume, json, verbose,
        };
        foreach (var option in training.All)
            command.Options.Add(option);
        Option[] specOptions = [backbone, weights, mode, epochs, batchSize, lr, views, exact, seed, threads, split, resize, imageSize, background, sweep, .. training.All];
        command.SetAction(async parse =>
        {
            var asJson = parse.GetValue(json);
            if (parse.GetValue(resume) is { } resumeId)
                return await ResumeAsync(resumeId, parse.GetValue(dataDir)?.FullName, parse.GetValue(store)!.FullName,
                    specOptions.Concat([server]).Where(option => parse.GetResult(option) is { Implicit: false }).Select(option => option.Name),
                    parse.GetValue(verbose), asJson);
            if (parse.GetValue(dataDir) is not { } dataDirInfo)
                return Report(asJson, RunOutcomeJson.Rejected("DATA_DIR: give the folder of images to train on (or --resume RUN_ID to continue an interrupted run)."),
                    ExitCodes.BadInput);
            var folder = dataDirInfo.FullName;
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
                Training = training.Apply(parse, new TrainingSpec
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
                }),
                Sweep = SweepOption.Parse(parse.GetValue(sweep), problems),
            };
            foreach (var (field, messages) in spec.Validate())
                problems.AddRange(messages.Select(message => $"{OptionName(field)}: {message}."));
            var storeFolder = parse.GetValue(store)!.FullName;
            if (problems.Count == 0 && StoreFolder.Prepare(storeFolder) is { } storeProblem)
                problems.Add(storeProblem);
            if (problems.Count > 0)
                return Report(asJson, RunOutcomeJson.Rejected(string.Join(" ", problems)), ExitCodes.BadInput);

            var run = new LocalRun(spec, folder, weightsFile, storeFolder);
            return await FinishAsync(renderer => serverUri is null
                ? EmbeddedRun.ExecuteAsync(run, LogLevelOf(parse.GetValue(verbose)), renderer)
                : RemoteRun.ExecuteAsync(run, serverUri, Path.Combine(storeFolder, "reports"), renderer), serverUri, asJson);
        });
        return command;
    }

    private static async Task<int> ResumeAsync(string runIdText, string? dataDir, string storeFolder, IEnumerable<string> specOptions,
        bool verbose, bool asJson)
    {
        var problems = specOptions.Select(option => $"{option}: a resumed run keeps the specification it started with (and runs in this process); drop {option}.").ToList();
        if (!Guid.TryParse(runIdText, out var runId))
            problems.Add($"--resume: '{runIdText}' is not a run id (the 32 hex digits printed when the run started).");
        if (dataDir is not null && !Directory.Exists(dataDir))
            problems.Add($"DATA_DIR: the data folder '{dataDir}' does not exist.");
        if (!Directory.Exists(storeFolder))
            problems.Add($"--store: there is no store '{storeFolder}'; name the folder the run was started with.");
        if (problems.Count > 0)
            return Report(asJson, RunOutcomeJson.Rejected(string.Join(" ", problems)), ExitCodes.BadInput);
        return await FinishAsync(renderer => EmbeddedRun.ResumeAsync(runId, storeFolder, dataDir, LogLevelOf(verbose), renderer), server: null, asJson);
    }

    /// <summary>Runs to the end, then prints the outcome (and the report's summary) and picks the exit code.</summary>
    private static async Task<int> FinishAsync(Func<ProgressRenderer, Task<RunOutcome>> execute, Uri? server, bool asJson)
    {
        var renderer = new ProgressRenderer(Console.Error);
        RunOutcome outcome;
        try
        {
            outcome = await execute(renderer);
        }
        catch (Exception e) when (e is PipelineException or HttpRequestException)
        {
            var error = e is HttpRequestException ? $"cannot reach the server {server}: {e.Message}" : e.Message;
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
    }

    /// <summary>What the user typed that set <paramref name="field"/>: a sweep's fields came from --sweep.</summary>
    private static string OptionName(string field) =>
        field.StartsWith("sweep.", StringComparison.Ordinal) ? $"--sweep {field["sweep.".Length..]}" : OptionOf.GetValueOrDefault(field, field);

    private static LogLevel LogLevelOf(bool verbose) => verbose ? LogLevel.Information : LogLevel.Warning;

    /// <summary>A local file is named by its content (and copied into the store when the run starts); anything else is a reference
    /// (checked with the rest of the specification).</summary>
    private static async Task<(string? File, string? Reference)> Weights(string? value, List<string> problems)
    {
        if (string.IsNullOrEmpty(value))
            return (null, null);
        if (File.Exists(value))
            return (Path.GetFullPath(value), await WeightsImport.ReferenceAsync(value));
        if (value == WeightsReference.None || WeightsReference.KnownNames.ContainsKey(value) || WeightsReference.StoreKey(value) is not null
            || WeightsReference.Url(value) is not null)
            return (null, value);
        problems.Add($"--weights: the weights file '{value}' does not exist (nor is it {WeightsReference.None}, a known name ({string.Join(", ", WeightsReference.KnownNames.Keys)}), " +
                     "store:<key> or an https URL).");
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
