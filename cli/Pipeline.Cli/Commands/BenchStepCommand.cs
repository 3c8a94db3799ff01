using System.CommandLine;
using Pipeline.Cli.Benchmarks;
using Pipeline.Contracts;
using static TorchSharp.torch;

namespace Pipeline.Cli.Commands;

/// <summary>
/// `pipeline bench step`: one training step (forward, loss, backward, Adam) here and in PyTorch, with the same model,
/// batch and threads, alternating the two sides round by round so that both see the same machine load
/// (docs/benchmarks.md, "Train step").
/// </summary>
public static class BenchStepCommand
{
    private const int Classes = 10;
    private static readonly TrainingMode[] Modes = [TrainingMode.Transfer, TrainingMode.Finetune];

    public static Command Create()
    {
        var defaults = new TrainingSpec();
        var backbone = new Option<string>("--backbone")
        {
            Description = $"The network, with random weights (speed does not depend on them): {string.Join(" | ", BackboneNames.All)}.",
            DefaultValueFactory = _ => BackboneNames.MlNetResNet18,
        };
        backbone.AcceptOnlyFromAmong([.. BackboneNames.All]);
        var mode = ChoiceOption.Create("--mode",
            "transfer: the backbone frozen in eval mode, only the head learns (the exact path's step); finetune: every layer learns.", TrainingMode.Transfer);
        var batchSize = new Option<int>("--batch-size") { Description = "Images in the fixed batch.", DefaultValueFactory = _ => 32 };
        var size = new Option<int>("--size") { Description = "Image side in pixels.", DefaultValueFactory = _ => new PreprocessingSpec().ImageSize };
        var threads = new Option<int?>("--threads") { Description = "Intra-op threads of both sides (default: libtorch's choice here, passed on to the peer)." };
        var steps = new Option<int>("--steps") { Description = "Timed steps per round and side.", DefaultValueFactory = _ => 5 };
        var warmup = new Option<int>("--warmup") { Description = "Untimed steps at the start of every round and side.", DefaultValueFactory = _ => 2 };
        var rounds = new Option<int>("--rounds") { Description = "Rounds; each runs our side, then the peer's.", DefaultValueFactory = _ => 3 };
        var json = new Option<bool>("--json") { Description = "Print exactly one JSON object with the figures on stdout (progress stays on stderr)." };
        var command = new Command("step",
            $"Times one training step on a fixed random batch here (TorchSharp) and in PyTorch ({PythonPeer.Python}, benchmarks/train_step.py), " +
            "alternating round by round, and reports milliseconds per step, images per second, their ratio, the spread over rounds and " +
            "where each side spends its step. Exit code 0 when both sides ran, 1 when one failed, 2 for bad options or a missing peer.")
        {
            backbone, mode, batchSize, size, threads, steps, warmup, rounds, json,
        };
        command.SetAction(async parse =>
        {
            var asJson = parse.GetValue(json);
            var chosenMode = ChoiceOption.Parse<TrainingMode>(parse.GetValue(mode)!);
            var problems = new List<string>();
            if (!Modes.Contains(chosenMode))
                problems.Add("--mode: bench step times transfer or finetune.");
            AtLeast(problems, "--batch-size", parse.GetValue(batchSize), 1);
            AtLeast(problems, "--steps", parse.GetValue(steps), 1);
            AtLeast(problems, "--warmup", parse.GetValue(warmup), 0);
            AtLeast(problems, "--rounds", parse.GetValue(rounds), 1);
            if (parse.GetValue(threads) is { } threadCount)
                AtLeast(problems, "--threads", threadCount, 1);
            if (parse.GetValue(size) is var side and (< PreprocessingSpec.MinImageSize or > PreprocessingSpec.MaxImageSize))
                problems.Add($"--size: must be between {PreprocessingSpec.MinImageSize} and {PreprocessingSpec.MaxImageSize} (got {side}).");
            if (problems.Count == 0 && TrainStepPeer.Unavailable() is { } missing)
                problems.Add($"the PyTorch peer cannot run: {missing}.");
            if (problems.Count > 0)
                return Fail(asJson, string.Join(" ", problems), ExitCodes.BadInput);

            if (parse.GetValue(threads) is { } chosen)
                set_num_threads(chosen);
            var settings = new StepSettings(parse.GetValue(backbone)!, chosenMode, parse.GetValue(batchSize), parse.GetValue(size), Classes,
                get_num_threads(), get_num_interop_threads(), parse.GetValue(steps), parse.GetValue(warmup), defaults.LearningRate);
            return await CommandOutput.MeasuredAsync(asJson, () => Task.FromResult(Run(settings, parse.GetValue(rounds))), Summarise, StepBenchJson.Rejected);
        });
        return command;
    }

    private static StepBenchJson Run(StepSettings settings, int rounds)
    {
        var ours = new List<StepRound>();
        var peer = new List<StepRound>();
        var tool = "";
        using (var benchmark = new TrainStepBenchmark(settings))
            for (var round = 1; round <= rounds; round++)
            {
                Console.Error.WriteLine($"Round {round}/{rounds}: {settings.Backbone} {ModeName(settings.Mode)}, batch {settings.BatchSize}, {settings.Threads} thread(s): ours...");
                ours.Add(benchmark.Round());
                Console.Error.WriteLine($"Round {round}/{rounds}: the PyTorch peer...");
                (tool, var peerRound) = TrainStepPeer.Measure(settings);
                peer.Add(peerRound);
            }
        var ourRounds = ours.Select(round => Statistics.Median(round.MsPerStep)).ToList();
        var peerRounds = peer.Select(round => Statistics.Median(round.MsPerStep)).ToList();
        var (ourMs, peerMs) = (Statistics.Median(ourRounds), Statistics.Median(peerRounds));
        return new StepBenchJson(1, settings.Backbone, settings.Mode, settings.BatchSize, settings.ImageSize, settings.Threads, settings.InteropThreads,
            rounds, settings.Steps, settings.Warmup, ourMs, peerMs, ImagesPerSecond(settings, ourMs), ImagesPerSecond(settings, peerMs), peerMs / ourMs,
            ourRounds, peerRounds, Statistics.Spread(ourRounds), Statistics.Spread(peerRounds),
            StepPhasesJson.Median([.. ours.Select(round => round.PhasesMs)]), StepPhasesJson.Median([.. peer.Select(round => round.PhasesMs)]), tool, null);
    }

    private static string ModeName(TrainingMode mode) => mode.ToString().ToLowerInvariant();

    private static double ImagesPerSecond(StepSettings settings, double msPerStep) => settings.BatchSize * 1000 / msPerStep;

    private static void AtLeast(List<string> problems, string option, int value, int minimum)
    {
        if (value < minimum)
            problems.Add($"{option}: must be at least {minimum} (got {value}).");
    }

    private static void Summarise(StepBenchJson result) => Console.Error.WriteLine(
        $"{result.Backbone} {(result.Mode is { } chosen ? ModeName(chosen) : "")}, batch {result.BatchSize} at {result.ImageSize} px, {result.Threads} thread(s), {result.Rounds} round(s) of {result.Steps} step(s):{Environment.NewLine}" +
        $"  ours: {result.OursMsPerStep:F1} ms/step, {result.OursImagesPerSecond:F1} img/s (spread {result.OursSpread:P0}); phases {Phases(result.OursPhasesMs)}{Environment.NewLine}" +
        $"  peer: {result.PeerMsPerStep:F1} ms/step, {result.PeerImagesPerSecond:F1} img/s (spread {result.PeerSpread:P0}); phases {Phases(result.PeerPhasesMs)} ({result.Peer}){Environment.NewLine}" +
        $"  ratio (ours / peer images per second): {result.Ratio:F2}");

    private static string Phases(StepPhasesJson? phases) => phases is null ? "" :
        $"forward {phases.Forward:F0}, backward {phases.Backward:F0}, optimizer {phases.Optimizer:F0}, release {phases.Release:F0} ms";

    private static int Fail(bool asJson, string message, int exitCode) => CommandOutput.Fail(asJson, StepBenchJson.Rejected(message), message, exitCode);
}
