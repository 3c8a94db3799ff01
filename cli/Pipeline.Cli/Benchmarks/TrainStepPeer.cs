using System.Globalization;
using System.Text.Json;
using Pipeline.Contracts;

namespace Pipeline.Cli.Benchmarks;

/// <summary>Runs the PyTorch peer of `bench step` (<c>benchmarks/train_step.py</c>) with Debian's python3-torch: one round per call.</summary>
public static class TrainStepPeer
{
    public static readonly string Script = PythonPeer.Script("train_step.py");

    /// <summary>Null when the peer can run; else why not and how to make it.</summary>
    public static string? Unavailable() => PythonPeer.Unavailable("torch, torchvision", "python3-torch python3-torchvision");

    /// <summary>The peer's name and versions, and its round.</summary>
    /// <exception cref="PipelineException">The peer failed; the message holds what it printed.</exception>
    public static (string Tool, StepRound Round) Measure(StepSettings settings)
    {
        var (exitCode, stdout, stderr) = PythonPeer.Run([
            Script, "--backbone", settings.Backbone, "--mode", settings.Mode == TrainingMode.Finetune ? "finetune" : "transfer",
            "--batch-size", Text(settings.BatchSize), "--size", Text(settings.ImageSize), "--classes", Text(settings.Classes),
            "--threads", Text(settings.Threads), "--interop-threads", Text(settings.InteropThreads),
            "--steps", Text(settings.Steps), "--warmup", Text(settings.Warmup), "--lr", settings.LearningRate.ToString("R", CultureInfo.InvariantCulture),
        ]);
        if (exitCode != 0)
            throw new PipelineException($"The PyTorch peer ({Script}) failed with exit code {exitCode}: {stderr.Trim()} {stdout.Trim()}");
        var printed = JsonSerializer.Deserialize<PeerStepOutput>(stdout, PipelineJson.Options)
                      ?? throw new PipelineException($"The PyTorch peer ({Script}) printed no result.");
        return (printed.Tool, new StepRound(printed.MsPerStep, printed.PhasesMs));
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
