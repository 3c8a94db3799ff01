using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Pipeline.Cli.Cluster;
using Pipeline.Cli.Embedded;
using Pipeline.Cli.Remote;
using Pipeline.Contracts;
using Pipeline.Runs;

namespace Pipeline.Cli.Bench;

/// <summary>
/// Sends the same batch of runs through each configuration in turn: in this process (embedded), or through a fresh
/// local deployment brought up for it and taken down after it. Nothing is shared between configurations but the data
/// folder, so every configuration prepares the dataset once and then finds it prepared.
/// </summary>
/// <param name="workDir">Stores and deployments, one sub-folder per configuration.</param>
/// <param name="progress">One line per step for people (stderr).</param>
public sealed class ClusterBenchmark(string workDir, RunSpec spec, string dataDir, int runs, ProgressRenderer renderer, TextWriter progress)
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(15);

    public async Task<ConfigurationMeasurement> MeasureAsync(BenchConfiguration configuration, CancellationToken cancellationToken)
    {
        var request = new LocalRun(spec with { Training = spec.Training with { Threads = configuration.ThreadsPerTrainer } }, dataDir, null,
            Path.Combine(workDir, configuration.Name, "store"));
        progress.WriteLine($"{configuration.Name}: {runs} run(s) of {spec.Training.Epochs} epoch(s)...");
        return configuration.Embedded
            ? await EmbeddedAsync(configuration, request)
            : await ClusterAsync(configuration, request, cancellationToken);
    }

    private async Task<ConfigurationMeasurement> EmbeddedAsync(BenchConfiguration configuration, LocalRun request)
    {
        if (StoreFolder.Prepare(request.StoreFolder) is { } problem)
            throw new PipelineException(problem);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var outcomes = await EmbeddedRun.ExecuteBatchAsync(request, runs, LogLevel.Warning, renderer);
        var used = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        return Measure(configuration, outcomes, new Dictionary<string, double> { ["pipeline"] = used }, null, null);
    }

    private async Task<ConfigurationMeasurement> ClusterAsync(BenchConfiguration configuration, LocalRun request, CancellationToken cancellationToken)
    {
        var paths = new ClusterPaths(Path.Combine(workDir, configuration.Name, "cluster"));
        var deployment = new ClusterDeployment(paths, progress);
        try
        {
            var up = await deployment.UpAsync(new UpOptions(configuration.Trainers, ReadyTimeout, Environment.ProcessId), cancellationToken);
            var outcomes = await RemoteRun.ExecuteBatchAsync(request, runs, new Uri(up.ApiUrl!), up.ApiKey, renderer, cancellationToken);
            var cpu = CpuSeconds(deployment.Load()!);
            var (objects, bytes) = FolderSize(paths.S3Data);
            return Measure(configuration, outcomes, cpu, objects, bytes);
        }
        finally
        {
            await deployment.DownAsync(StopGrace, CancellationToken.None);
        }
    }

    private static ConfigurationMeasurement Measure(BenchConfiguration configuration, IReadOnlyList<TimedOutcome> outcomes,
        IReadOnlyDictionary<string, double> cpu, int? storeObjects, long? storeBytes)
    {
        var measured = outcomes.Select(timed =>
        {
            var (outcome, wall) = (timed.Outcome, timed.WallSeconds);
            var compute = outcome.StageComputeSeconds.Values.Sum();
            return new RunMeasurement(outcome.RunId, outcome.State, Round(wall), outcome.StageComputeSeconds.ToDictionary(kv => kv.Key, kv => Round(kv.Value)),
                Round(compute), Round(OrchestrationOverhead.Of(wall, compute)), outcome.Error);
        }).ToList();
        var batchWall = outcomes.Max(o => o.EndedAt) - outcomes.Min(o => o.SubmittedAt);
        var batchCompute = outcomes.Sum(o => o.Outcome.StageComputeSeconds.Values.Sum());
        var criticalPath = OrchestrationOverhead.CriticalPathSeconds(
            outcomes.OrderBy(o => o.EndedAt).Select(o => o.Outcome.StageComputeSeconds).ToList(), configuration.Trainers);
        var failed = measured.Where(run => run.State != RunState.Completed).Select(run => $"run {run.RunId:N} {run.State}: {run.Error}").ToList();
        return new ConfigurationMeasurement(configuration.Name, configuration.Mode, configuration.Trainers,
            configuration.ThreadsPerTrainer, Round(batchWall), Round(batchCompute), Round(batchCompute / configuration.Trainers),
            Round(OrchestrationOverhead.OfBatch(batchWall, batchCompute, configuration.Trainers)),
            Round(criticalPath), Round(OrchestrationOverhead.Of(batchWall, criticalPath)), Round(outcomes.Average(o => o.WallSeconds)), measured,
            cpu.ToDictionary(kv => kv.Key, kv => Round(kv.Value)), storeObjects, storeBytes, failed.Count == 0 ? null : string.Join(" ", failed));
    }

    /// <summary>Each process of the deployment by id (trainer-1, rabbitmq-1, ...), read before it is taken down.</summary>
    private static Dictionary<string, double> CpuSeconds(ClusterDescription description) =>
        description.Processes
            .Select(p => (p.Id, Seconds: LinuxProcess.CpuSeconds(p.Pid, p.StartTime)))
            .Where(p => p.Seconds is not null)
            .ToDictionary(p => p.Id, p => p.Seconds!.Value);

    private static (int Files, long Bytes) FolderSize(string folder)
    {
        var files = Directory.Exists(folder) ? new DirectoryInfo(folder).EnumerateFiles("*", SearchOption.AllDirectories).ToList() : [];
        return (files.Count, files.Sum(file => file.Length));
    }

    private static double Round(double value) => Math.Round(value, 3);

    private static double? Round(double? value) => value is { } v ? Round(v) : null;
}
