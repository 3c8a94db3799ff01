using System.CommandLine;

namespace Pipeline.Cli.Commands;

/// <summary>Benchmarks that measure this pipeline side by side with a peer or with itself, printing one JSON object with --json.</summary>
public static class BenchCommand
{
    public static Command Create() =>
        new("bench", "Measures the pipeline: each benchmark runs its contenders on the same data in one invocation and reports times and ratios.")
        {
            BenchPreprocessCommand.Create(),
            BenchTrainCommand.Create(),
            BenchStepCommand.Create(),
            BenchClusterCommand.Create(),
            BenchApiCommand.Create(),
        };
}
