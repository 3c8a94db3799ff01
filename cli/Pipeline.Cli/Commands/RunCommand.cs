using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Pipeline.Cli.Embedded;
using Pipeline.Contracts;
using Pipeline.Runs;

namespace Pipeline.Cli.Commands;

public static class RunCommand
{
    private static readonly RunSpec Defaults = new() { DataDir = "." };

    public static Command Create()
    {
        var dataDir = new Argument<DirectoryInfo>("DATA_DIR") { Description = "An ImageFolder: one sub-folder of images per class." };
        var backbone = new Option<string>("--backbone")
        {
            Description = $"Pretrained backbone: {string.Join(" | ", BackboneNames.All)}. {BackboneNames.MlNetResNet18} ships with the pipeline and works offline.",
            DefaultValueFactory = _ => Defaults.Backbone,
        };
        var weights = new Option<FileInfo?>("--weights") { Description = "torchvision state_dict (.pth) with ImageNet weights, required for resnet50." };
        var mode = new Option<TrainingMode>("--mode")
        {
            Description = "transfer: train only a new head on a frozen backbone; finetune: train all layers.",
            DefaultValueFactory = _ => Defaults.Mode,
        };
        var epochs = new Option<int>("--epochs") { Description = "Training epochs.", DefaultValueFactory = _ => Defaults.Epochs };
        var batchSize = new Option<int>("--batch-size") { Description = "Images per training step.", DefaultValueFactory = _ => Defaults.BatchSize };
        var lr = new Option<double>("--lr") { Description = "Adam learning rate.", DefaultValueFactory = _ => Defaults.LearningRate };
        var seed = new Option<int>("--seed") { Description = "Seed for the split, the head's initialisation and augmentation.", DefaultValueFactory = _ => Defaults.Seed };
        var threads = new Option<int?>("--threads") { Description = "CPU threads for libtorch (default: libtorch's own choice)." };
        var split = new Option<string>("--split") { Description = "Train/validation/test percentages.", DefaultValueFactory = _ => Defaults.Split.ToString() };
        var store = new Option<DirectoryInfo>("--store")
        {
            Description = "Folder for objects (shards, checkpoints, reports) and the run database.",
            DefaultValueFactory = _ => new DirectoryInfo(".pipeline"),
        };
        var json = new Option<bool>("--json") { Description = "Print exactly one JSON object with the result on stdout (progress stays on stderr)." };
        var verbose = new Option<bool>("--verbose") { Description = "Log what every stage does (to stderr)." };

        var command = new Command("run", "Preprocesses DATA_DIR, trains a classifier and evaluates it, all in this process.")
        {
            dataDir, backbone, weights, mode, epochs, batchSize, lr, seed, threads, split, store, json, verbose,
        };
        command.SetAction(async parse =>
        {
            var asJson = parse.GetValue(json);
            var splitText = parse.GetValue(split)!;
            var splitParsed = SplitRatios.TryParse(splitText, out var ratios);
            var spec = new RunSpec
            {
                DataDir = parse.GetRequiredValue(dataDir).FullName,
                Backbone = parse.GetValue(backbone)!,
                Weights = parse.GetValue(weights)?.FullName,
                Mode = parse.GetValue(mode),
                Epochs = parse.GetValue(epochs),
                BatchSize = parse.GetValue(batchSize),
                LearningRate = parse.GetValue(lr),
                Seed = parse.GetValue(seed),
                Threads = parse.GetValue(threads),
                Split = ratios,
            };
            var problems = Problems(spec);
            if (!splitParsed)
                problems.Add($"--split must look like 70/15/15 (got '{splitText}').");
            if (problems.Count > 0)
                return Report(asJson, RunOutcomeJson.Rejected(string.Join(" ", problems)), ExitCodes.BadInput);

            var renderer = new ProgressRenderer(Console.Error);
            var outcome = await EmbeddedRun.ExecuteAsync(spec, parse.GetValue(store)!.FullName, parse.GetValue(verbose) ? LogLevel.Information : LogLevel.Warning, renderer);
            if (!asJson)
                renderer.Finished(outcome);
            var exitCode = outcome.State switch
            {
                RunState.Completed => ExitCodes.Success,
                RunState.Cancelled => ExitCodes.Cancelled,
                _ => ExitCodes.RunFailed,
            };
            return Report(asJson, RunOutcomeJson.Of(outcome), exitCode);
        });
        return command;
    }

    /// <summary>Everything that can be checked before any work starts.</summary>
    private static List<string> Problems(RunSpec spec)
    {
        var problems = spec.Validate().ToList();
        if (!Directory.Exists(spec.DataDir))
            problems.Insert(0, $"Data folder '{spec.DataDir}' does not exist.");
        if (spec.Weights is { } file && !File.Exists(file))
            problems.Add($"Weights file '{file}' does not exist.");
        return problems;
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

/// <summary>The <c>--json</c> contract: one object on stdout. Fields are only ever added, and schemaVersion says so.</summary>
public sealed record RunOutcomeJson(
    int SchemaVersion,
    Guid? RunId,
    RunState State,
    double? TestAccuracy,
    string? ReportDir,
    string? Error,
    IReadOnlyDictionary<string, double>? StageSeconds)
{
    public static RunOutcomeJson Rejected(string error) => new(1, null, RunState.Failed, null, null, error, null);

    public static RunOutcomeJson Of(RunOutcome o) => new(1, o.RunId, o.State, o.TestAccuracy, o.ReportDir, o.Error, o.StageSeconds);
}
