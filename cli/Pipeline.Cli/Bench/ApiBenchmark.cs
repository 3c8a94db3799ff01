using System.Diagnostics;
using Pipeline.Cli.Remote;
using Pipeline.Contracts;

namespace Pipeline.Cli.Bench;

/// <summary>
/// `bench api`: uploads a dataset once, submits the same tiny run <c>runs</c> times at once through the API, and
/// follows them all to a final state, polling the run list (one request a second, well inside the rate limit).
/// </summary>
internal static class ApiBenchmark
{
    private static readonly TimeSpan PollEvery = TimeSpan.FromSeconds(1);

    /// <summary>The smallest run through every stage: random resnet18 weights on 32-pixel images, one epoch.</summary>
    public static RunSpec TinySpec(string dataset) => new()
    {
        Dataset = dataset,
        Preprocessing = new PreprocessingSpec { ImageSize = 32 },
        Training = new TrainingSpec { Backbone = BackboneNames.ResNet18, Weights = WeightsReference.None, Epochs = 1 },
    };

    public static async Task<ApiBenchJson> RunAsync(PipelineServer server, string dataDir, int runs, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var dataset = DatasetNames.FromFolderName(Path.GetFileName(Path.TrimEndingDirectorySeparator(dataDir)));
        await server.UploadDatasetAsync(dataset, dataDir, cancellationToken);
        var spec = TinySpec(dataset);
        var clock = Stopwatch.StartNew();
        var submitted = await Task.WhenAll(Enumerable.Range(0, runs).Select(async _ =>
        {
            var (runId, errors) = await server.SubmitAsync(spec, cancellationToken);
            return (RunId: runId ?? throw new PipelineException($"The server refused the run: {ValidationErrors.Describe(errors!)}"), At: clock.Elapsed);
        }));
        var submitSeconds = clock.Elapsed.TotalSeconds;
        var submittedAt = submitted.ToDictionary(run => run.RunId, run => run.At);
        var finished = new Dictionary<Guid, (RunState State, TimeSpan At)>();
        while (finished.Count < runs)
        {
            if (clock.Elapsed > timeout)
                throw new PipelineException($"{runs - finished.Count} of {runs} runs were not over after {timeout.TotalSeconds:F0} s.");
            await Task.Delay(PollEvery, cancellationToken);
            var page = await server.ListRunsAsync(state: null, limit: 500, cancellationToken);
            foreach (var run in page.Runs.Where(run => submittedAt.ContainsKey(run.RunId) && run.State.IsFinal() && !finished.ContainsKey(run.RunId)))
                finished[run.RunId] = (run.State, clock.Elapsed);
        }
        var perRun = finished.Select(run => (run.Value.At - submittedAt[run.Key]).TotalSeconds).Order().ToList();
        return new ApiBenchJson(1, server.Address.ToString(), runs, submitted.Length,
            finished.Values.GroupBy(run => run.State).ToDictionary(group => group.Key, group => group.Count()),
            Math.Round(runs / submitSeconds, 2), Math.Round(finished.Values.Max(run => run.At).TotalSeconds, 2),
            Math.Round(Percentile(perRun, 0.50), 2), Math.Round(Percentile(perRun, 0.95), 2), null);
    }

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    private static double Percentile(IReadOnlyList<double> sorted, double fraction) =>
        sorted[Math.Clamp((int)Math.Ceiling(fraction * sorted.Count) - 1, 0, sorted.Count - 1)];
}
