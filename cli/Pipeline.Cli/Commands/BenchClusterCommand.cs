using System.CommandLine;
using System.Globalization;
using Pipeline.Cli.Bench;
using Pipeline.Cli.Cluster;
using Pipeline.Cli.Embedded;
using Pipeline.Contracts;
using Pipeline.Preprocessor.Datasets;

namespace Pipeline.Cli.Commands;

/// <summary>`bench cluster`: the orchestration overhead of each deployment shape, on the same batch of runs. The work is in <see cref="ClusterBenchmark"/>.</summary>
public static class BenchClusterCommand
{
    private const int DefaultPerClass = 200;

    public static Command Create()
    {
        var dataDir = new Argument<DirectoryInfo?>("DIR")
        {
            Description = $"An ImageFolder to run on; by default Fashion-MNIST from Debian's dataset-fashion-mnist, --per-class images per class, written into the work folder.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var runs = new Option<int>("--runs") { Description = "Runs per configuration, submitted together so that they queue.", DefaultValueFactory = _ => 4 };
        runs.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 1 or > 100) r.AddError("--runs must be between 1 and 100."); });
        var epochs = new Option<int>("--epochs") { Description = "Training epochs of each run.", DefaultValueFactory = _ => 2 };
        var backbone = new Option<string>("--backbone")
        {
            Description = $"Backbone of each run: {string.Join(" | ", BackboneNames.All)} (resnet50 needs weights, which this benchmark does not take).",
            DefaultValueFactory = _ => BackboneNames.MlNetResNet18,
        };
        var perClass = new Option<int>("--per-class")
        {
            Description = $"Images per class of the generated Fashion-MNIST dataset (10 classes); the default {DefaultPerClass} makes training take over a minute per run on 2 cores.",
            DefaultValueFactory = _ => DefaultPerClass,
        };
        perClass.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 2) r.AddError("--per-class must be at least 2."); });
        var configs = new Option<string>("--configs")
        {
            Description = $"Configurations, comma-separated: '{BenchConfiguration.EmbeddedName}' (all stages in this process, libtorch on every core) or " +
                          "TxN (a local deployment, `cluster up`, with T trainer processes of N libtorch threads each).",
            DefaultValueFactory = _ => BenchConfiguration.DefaultList,
        };
        var workDir = new Option<DirectoryInfo?>("--work-dir")
        {
            Description = "Folder for the generated dataset, the stores and the deployments (one sub-folder per configuration); default a new temporary folder.",
        };
        var keep = new Option<bool>("--keep") { Description = "Keep the work folder afterwards (logs, run databases, the bucket), to look at it." };
        var json = new Option<bool>("--json")
        {
            Description = "Print exactly one JSON object on stdout: schemaVersion, dataDir, images, runsPerConfiguration, epochs, backbone, exact, cores, " +
                          "loadAverage [before, after], configurations [{name, mode, trainers, threadsPerTrainer, wallSeconds, computeSeconds, " +
                          "idealSeconds, overhead, criticalPathSeconds, criticalPathOverhead, meanRunWallSeconds, runs [{runId, state, wallSeconds, computeSeconds {stage: s}, " +
                          "computeTotalSeconds, overhead, error}], cpuSeconds {process: s}, storeObjects, storeBytes, error}] (a configuration that could not " +
                          "run has its name, mode, trainers, threadsPerTrainer and error, and null numbers); error alone when nothing could run.",
        };
        var exact = new Option<bool>("--exact")
        {
            Description = "Train every epoch through the backbone instead of on cached features: with cached features the runs after the first " +
                          "reuse its features and train in seconds, too short to relate the orchestration to.",
        };
        var verbose = new Option<bool>("--verbose") { Description = "Show each run's progress (stderr)." };

        var command = new Command("cluster",
            "Runs the same batch of runs through each configuration (default: embedded, and local deployments of 1 trainer x 2 threads, " +
            "1 x 1 and 2 x 1, each brought up and down by the benchmark) and reports the orchestration overhead. " +
            "Compute: the seconds each stage's worker spent on a run (preprocess + train + evaluate, as the workers report them). " +
            "Per run: wall = from just before its submission to the moment the client saw it complete (polled every 0.5 s in a cluster); " +
            "overhead = (wall - compute) / compute; in a queued batch this wall includes the wait for a trainer. " +
            "Per configuration: wall = first submission to last completion; ideal = compute of all runs / trainers; " +
            "overhead = (wall - ideal) / ideal. Stages of different runs overlap (one run's evaluation while the next trains), so " +
            "that overhead can come out below zero. The figure to hold to 5 %: critical path = the longest preparation + all trainings / trainers " +
            "+ the last run's evaluation, the least wall time the stages allow; over path = (wall - critical path) / critical path. " +
            "A busy machine inflates compute and wall alike.")
        {
            dataDir, runs, epochs, backbone, perClass, configs, exact, workDir, keep, json, verbose,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var asJson = parse.GetValue(json);
            var (configurations, configError) = BenchConfiguration.ParseList(parse.GetValue(configs)!);
            var folder = parse.GetValue(dataDir)?.FullName;
            var spec = new RunSpec
            {
                Dataset = "bench",
                Training = new TrainingSpec { Backbone = parse.GetValue(backbone)!, Epochs = parse.GetValue(epochs), Exact = parse.GetValue(exact) },
            };
            var problems = spec.Validate().SelectMany(field => field.Value.Select(message => $"{field.Key}: {message}.")).ToList();
            if (configError is not null)
                problems.Add(configError);
            if (folder is not null && !Directory.Exists(folder))
                problems.Add($"DIR: the data folder '{folder}' does not exist.");
            if (problems.Count > 0)
                return Fail(asJson, string.Join(" ", problems), ExitCodes.BadInput);

            var work = parse.GetValue(workDir)?.FullName ?? Path.Combine(Path.GetTempPath(), "pipeline-bench-" + Guid.NewGuid().ToString("N")[..8]);
            try
            {
                Directory.CreateDirectory(work);
                folder ??= Generate(work, parse.GetValue(perClass));
                spec = spec with { Dataset = DatasetNames.FromFolderName(Path.GetFileName(folder.TrimEnd(Path.DirectorySeparatorChar))) };
                var loadBefore = LoadAverage();
                var benchmark = new ClusterBenchmark(work, spec, folder, parse.GetValue(runs),
                    new ProgressRenderer(parse.GetValue(verbose) ? Console.Error : TextWriter.Null), Console.Error);
                var measured = new List<ConfigurationMeasurement>();
                foreach (var configuration in configurations)
                {
                    try
                    {
                        measured.Add(await benchmark.MeasureAsync(configuration, cancellationToken));
                    }
                    catch (Exception e) when (e is PipelineException or ClusterException or HttpRequestException)
                    {
                        // The others still count: a deployment that would not come up on a busy machine says so in its own entry.
                        measured.Add(ConfigurationMeasurement.Failed(configuration, e.Message));
                    }
                    Console.Error.WriteLine(Row(measured[^1]));
                }
                var result = new BenchClusterResult(1, folder, ImageCount(folder), parse.GetValue(runs), spec.Training.Epochs, spec.Training.Backbone,
                    spec.Training.Exact, Environment.ProcessorCount, [loadBefore, LoadAverage()], measured);
                if (asJson)
                    CommandOutput.Json(result);
                else
                    PrintTable(result);
                return measured.All(m => m.Error is null) ? ExitCodes.Success : ExitCodes.RunFailed;
            }
            catch (Exception e) when (e is PipelineException or IOException)
            {
                return Fail(asJson, e.Message, ExitCodes.RunFailed);
            }
            finally
            {
                if (!parse.GetValue(keep) && Directory.Exists(work))
                    Directory.Delete(work, recursive: true);
            }
        });
        return command;
    }

    private static string Generate(string work, int perClass)
    {
        var folder = Path.Combine(work, $"fashion-mnist-{perClass.ToString(CultureInfo.InvariantCulture)}");
        var export = FashionMnist.Export(folder, perClass);
        Console.Error.WriteLine($"Wrote {export.Total} Fashion-MNIST images in {export.Classes.Count} classes to {export.OutDir}");
        return folder;
    }

    private static int ImageCount(string folder) =>
        Directory.EnumerateDirectories(folder).Sum(classFolder => Directory.EnumerateFiles(classFolder).Count());

    /// <summary>The 1-minute load average (/proc/loadavg), or -1 where there is none.</summary>
    private static double LoadAverage() =>
        File.Exists("/proc/loadavg") ? double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture) : -1;

    private static void PrintTable(BenchClusterResult result)
    {
        Console.Error.WriteLine();
        Console.Error.WriteLine($"{result.RunsPerConfiguration} run(s) x {result.Epochs} epoch(s), {result.Backbone}, {result.Images} images, " +
                                $"{result.Cores} cores, load average {result.LoadAverage[0]:0.00} before, {result.LoadAverage[1]:0.00} after");
        Console.Error.WriteLine($"{"CONFIG",-10} {"WALL s",8} {"COMPUTE s",10} {"IDEAL s",8} {"OVERHEAD",9} {"CRIT. PATH s",12} {"OVER PATH",9} {"RUN WALL s",11}");
        foreach (var m in result.Configurations)
            Console.Error.WriteLine(Row(m));
    }

    private static string Row(ConfigurationMeasurement m) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{m.Name,-10} {m.WallSeconds,8:0.0} {m.ComputeSeconds,10:0.0} {m.IdealSeconds,8:0.0} {Percent(m.Overhead),9} {m.CriticalPathSeconds,12:0.0} {Percent(m.CriticalPathOverhead),9} {m.MeanRunWallSeconds,11:0.0}{(m.Error is null ? "" : "  error: " + m.Error)}");

    private static string Percent(double? fraction) =>
        fraction is { } f ? string.Create(CultureInfo.InvariantCulture, $"{f * 100:0.0} %") : "n/a";

    private static int Fail(bool asJson, string error, int exitCode) => CommandOutput.Fail(asJson, new BenchFailure(1, error), error, exitCode);
}
