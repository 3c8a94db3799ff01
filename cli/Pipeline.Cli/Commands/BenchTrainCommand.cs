using System.CommandLine;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Pipeline.Contracts;
using Pipeline.Cli.Benchmarks;
using Pipeline.Datasets;
using Pipeline.ModelZoo.Backbones;
using Pipeline.ModelZoo.Classification;
using Pipeline.Preprocessor.Preprocessing;
using Pipeline.Runs;
using Pipeline.Storage;
using Pipeline.Trainer.Training;
using Pipeline.Trainer.Training.Features;
using static TorchSharp.torch;

namespace Pipeline.Cli.Commands;

/// <summary>
/// `pipeline bench train`: transfer learning on cached features against the exact per-epoch path, on the same prepared
/// data in one process, with the same seed and settings. Each invocation uses a fresh store, so the cached path pays
/// for its feature extraction; it runs first, so it also pays for warming up. With --memory it also reports each trial's
/// peak resident set and the resident set after every epoch (docs/benchmarks.md#memory).
/// </summary>
public static class BenchTrainCommand
{
    private const string CachedTrial = "cached";
    private const string ExactTrial = "exact";

    public static Command Create()
    {
        var defaults = new TrainingSpec();
        var dataDir = new Argument<DirectoryInfo>("DIR") { Description = "An ImageFolder: one sub-folder of images per class (split 70/15/15 as `run` does)." };
        var backbone = new Option<string>("--backbone")
        {
            Description = $"Pretrained backbone: {string.Join(" | ", BackboneNames.All)}.",
            DefaultValueFactory = _ => BackboneNames.MlNetResNet18,
        };
        var epochs = new Option<int>("--epochs") { Description = "Training epochs of both paths.", DefaultValueFactory = _ => defaults.Epochs };
        var views = new Option<int>("--views")
        {
            Description = "Views per training image on the cached path (1: the images as they are; more: augmented copies too).",
            DefaultValueFactory = _ => defaults.Views,
        };
        var batchSize = new Option<int>("--batch-size") { Description = "Images per training step.", DefaultValueFactory = _ => defaults.BatchSize };
        var threads = new Option<int?>("--threads") { Description = "CPU threads for libtorch (default: libtorch's own choice)." };
        var seed = new Option<int>("--seed") { Description = "Seed for the split, the head's initialisation and augmentation.", DefaultValueFactory = _ => new RunSpec { Dataset = "defaults" }.Seed };
        var paths = ChoiceOption.Create("--paths",
            "both: the cached and the exact path; cached or exact: only that one (the other's figures are null). The exact path ignores --views.", TrainBenchPaths.Both);
        var training = new TrainingOptions();
        var mode = ChoiceOption.Create("--mode",
            "transfer: a frozen backbone and a new head; finetune or partial: the backbone (or its last stage) learns too (exact path only: give --paths exact).", TrainingMode.Transfer);
        var memory = new Option<bool>("--memory")
        {
            Description = "Also measure memory: each trial's peak resident set (VmHWM, reset after the dataset is prepared) and the resident set after every epoch, in MiB (Linux).",
        };
        var json = new Option<bool>("--json") { Description = "Print exactly one JSON object with the figures on stdout (progress stays on stderr)." };
        var command = new Command("train",
            "Trains a transfer-learning head on DIR twice, on cached backbone features and on the exact per-epoch path, and " +
            "reports both times, training images per second and test accuracies (with --memory also the resident set). Exit code 0 when both trained, 2 for bad options.")
        {
            dataDir, backbone, epochs, views, batchSize, threads, seed, paths, mode, memory, json,
        };
        foreach (var option in training.All)
            command.Options.Add(option);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var asJson = parse.GetValue(json);
            var folder = parse.GetRequiredValue(dataDir).FullName;
            var spec = new RunSpec
            {
                Dataset = DatasetNames.FromFolderName(Path.GetFileName(folder.TrimEnd(Path.DirectorySeparatorChar))),
                Seed = parse.GetValue(seed),
                Training = training.Apply(parse, new TrainingSpec
                {
                    Backbone = parse.GetValue(backbone)!,
                    Mode = ChoiceOption.Parse<TrainingMode>(parse.GetValue(mode)!),
                    Epochs = parse.GetValue(epochs),
                    Views = parse.GetValue(views),
                    BatchSize = parse.GetValue(batchSize),
                    Threads = parse.GetValue(threads),
                }),
            };
            var problems = spec.Validate().SelectMany(pair => pair.Value.Select(message => $"{pair.Key}: {message}.")).ToList();
            var which = ChoiceOption.Parse<TrainBenchPaths>(parse.GetValue(paths)!);
            if (spec.Training.Mode != TrainingMode.Transfer && which != TrainBenchPaths.Exact)
                problems.Add("--mode: only transfer has cached features; give --paths exact to benchmark other modes.");
            if (!Directory.Exists(folder))
                problems.Add($"DIR: the data folder '{folder}' does not exist.");
            if (problems.Count > 0)
                return Fail(asJson, string.Join(" ", problems), ExitCodes.BadInput);
            return await CommandOutput.MeasuredAsync(asJson, () => RunAsync(spec, folder, which, parse.GetValue(memory), cancellationToken), Summarise,
                TrainBenchJson.Rejected);
        });
        return command;
    }

    private static async Task<TrainBenchJson> RunAsync(RunSpec spec, string folder, TrainBenchPaths paths, bool memory, CancellationToken cancellationToken)
    {
        var work = Directory.CreateTempSubdirectory("pipeline-bench-train-");
        try
        {
            using var loggers = LoggerFactory.Create(logging => logging.AddConsole(options => options.LogToStandardErrorThreshold = LogLevel.Trace).SetMinimumLevel(LogLevel.Information));
            var store = new FileSystemObjectStore(Path.Combine(work.FullName, "objects"));
            var prepared = await new DatasetPreparer(store, loggers.CreateLogger<DatasetPreparer>())
                .PrepareAsync(new LocalImageFolder(spec.Dataset, folder), spec.Preprocessing, spec.Seed, cancellationToken: cancellationToken);
            var manifest = prepared.Manifest;
            if (manifest[DatasetSplits.Test].Count == 0)
                throw new PipelineException($"DIR holds too few images for a test split ({manifest[DatasetSplits.Train].Count} train, {manifest[DatasetSplits.Validation].Count} validation, none to test).");
            var trainer = new ClassifierTrainer(store, new BackboneRegistry(store, logger: loggers.CreateLogger<BackboneRegistry>()), loggers.CreateLogger<ClassifierTrainer>());
            var runId = Guid.NewGuid();
            var training = spec.Training;
            var cached = paths == TrainBenchPaths.Exact ? null : await TrainAsync(trainer, store, new TrainingRequest(runId, CachedTrial, training, spec.Seed, manifest), memory, cancellationToken);
            var exact = paths == TrainBenchPaths.Cached ? null : await TrainAsync(trainer, store, new TrainingRequest(runId, ExactTrial, training with { Exact = true }, spec.Seed, manifest), memory, cancellationToken);
            var trainImages = manifest[DatasetSplits.Train].Count;
            var trained = (double)trainImages * training.Epochs;
            return new TrainBenchJson(1, training.Backbone, training.Epochs, training.Views, training.Threads,
                trainImages, manifest[DatasetSplits.Validation].Count, manifest[DatasetSplits.Test].Count,
                cached?.Seconds, exact?.Seconds, exact?.Seconds / cached?.Seconds, trained / cached?.Seconds, trained / exact?.Seconds,
                cached?.TestAccuracy, exact?.TestAccuracy, null, training.Mode, cached?.Memory, exact?.Memory);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    /// <summary>Trains one trial and scores its model on the test split; only the training is timed (and measured, with <paramref name="memory"/>).</summary>
    private static async Task<(double Seconds, double TestAccuracy, TrainMemoryJson? Memory)?> TrainAsync(ClassifierTrainer trainer, IObjectStore store,
        TrainingRequest request, bool memory, CancellationToken cancellationToken)
    {
        var epochResidentMiB = new List<double>();
        Func<EpochRecord, int, Task>? onEpoch = null;
        if (memory)
        {
            ResidentMemory.ResetPeak();
            onEpoch = (_, _) =>
            {
                epochResidentMiB.Add(Math.Round(ResidentMemory.CurrentMiB(), 1));
                return Task.CompletedTask;
            };
        }
        var clock = Stopwatch.StartNew();
        var result = await trainer.TrainAsync(request, onEpoch, cancellationToken);
        var seconds = clock.Elapsed.TotalSeconds;
        var measured = memory ? new TrainMemoryJson(Math.Round(ResidentMemory.PeakMiB(), 1), epochResidentMiB) : null;
        return (seconds, await TestAccuracyAsync(store, trainer, result.ModelKey, request, cancellationToken), measured);
    }

    /// <summary>The trained model's accuracy on the test split, through test features computed once and shared by both models (one backbone).</summary>
    private static async Task<double> TestAccuracyAsync(IObjectStore store, ClassifierTrainer trainer, string modelKey, TrainingRequest request,
        CancellationToken cancellationToken)
    {
        ImageClassifier model;
        await using (var file = await store.OpenSeekableAsync(modelKey, cancellationToken))
            model = ImageClassifier.Load(file);
        using (model)
        {
            var device = TrainingDevices.Resolve(request.Training.Device);
            model.MoveTo(device);
            model.RunFrozenLayersIn(TrainingDevices.FrozenPrecision(device));
            var test = await trainer.FeaturesAsync(model, request.Manifest, DatasetSplits.Test, views: 1, RandomRotationFlip.Of(request.Training), request.Seed,
                request.Training.BatchSize, cancellationToken);
            long correct = 0;
            foreach (var batch in test.Batches(request.Training.BatchSize, shuffle: null, cancellationToken))
                using (NewDisposeScope())
                using (no_grad())
                {
                    var (features, labels) = FeatureBatch.Of(batch, () => 0, device);
                    correct += model.Classify(features).argmax(1).eq(labels).sum().item<long>();
                }
            return correct / (double)test.Count;
        }
    }

    private static void Summarise(TrainBenchJson result) => Console.Error.WriteLine(
        $"{result.Backbone}, {result.Epochs} epochs, {result.TrainImages} training images, {result.Views} view(s) per image:{Environment.NewLine}" +
        $"  cached features: {result.CachedSeconds:F1} s, {result.CachedImagesPerSecond:F1} img/s, test accuracy {result.CachedTestAccuracy:P1}{Memory(result.CachedMemory)}{Environment.NewLine}" +
        $"  exact path:      {result.ExactSeconds:F1} s, {result.ExactImagesPerSecond:F1} img/s, test accuracy {result.ExactTestAccuracy:P1}{Memory(result.ExactMemory)}{Environment.NewLine}" +
        $"  speedup {result.Speedup:F1}x (blank where a path did not run)");

    private static string Memory(TrainMemoryJson? memory) =>
        memory is null ? "" : $", peak RSS {memory.PeakResidentMiB:F0} MiB, RSS after each epoch {string.Join(" ", memory.EpochResidentMiB.Select(mib => mib.ToString("F0")))} MiB";

    private static int Fail(bool asJson, string message, int exitCode) => CommandOutput.Fail(asJson, TrainBenchJson.Rejected(message), message, exitCode);
}
