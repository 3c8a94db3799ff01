using Pipeline.Cli.Embedded;
using Pipeline.Contracts;
using Pipeline.Storage;

namespace Pipeline.Cli.Remote;

/// <summary>
/// A run on a server (distributed mode): the dataset (and a local weights file) uploaded first, the run submitted
/// and followed through its journal with the same progress lines as embedded mode, its reports downloaded at the end.
/// </summary>
public static class RemoteRun
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    /// <param name="downloads">The folder reports are downloaded into, under the run's id.</param>
    /// <exception cref="PipelineException">The server cannot be reached, refuses the upload or rejects the specification.</exception>
    public static async Task<RunOutcome> ExecuteAsync(LocalRun request, Uri server, string downloads, ProgressRenderer renderer, CancellationToken cancellationToken = default)
    {
        using var client = new PipelineServer(server);
        var batch = await SubmitAsync(client, request, 1, renderer, cancellationToken);
        await FollowAsync(client, batch, renderer, cancelOnCtrlC: true, cancellationToken);
        var run = batch.Followers[0];
        var target = Path.Combine(downloads, run.RunId.ToString("N"));
        var reports = ReportFolders(run.RunId, run.End);
        if (reports.Count > 0)
            await client.DownloadAsync(run.RunId, reports, target, cancellationToken);
        return run.Outcome(key => ObjectKeys.InRunFolder(run.RunId, key) is { } path ? Path.GetDirectoryName(Path.Combine(target, path)) : null);
    }

    /// <summary>
    /// Submits <paramref name="runs"/> copies of the run together (they queue for the workers) and follows them all to
    /// their end; reports stay on the server. Each run is timed from its submission to the poll that saw it end, so the
    /// times are late by at most one poll interval (0.5 s).
    /// </summary>
    /// <param name="apiKey">The key to call the server with; null for the one the environment names.</param>
    /// <exception cref="PipelineException">The server cannot be reached, refuses the upload or rejects the specification.</exception>
    public static async Task<IReadOnlyList<TimedOutcome>> ExecuteBatchAsync(LocalRun request, int runs, Uri server, string? apiKey, ProgressRenderer renderer,
        CancellationToken cancellationToken = default)
    {
        using var client = new PipelineServer(server, apiKey);
        var batch = await SubmitAsync(client, request, runs, renderer, cancellationToken);
        await FollowAsync(client, batch, renderer, cancelOnCtrlC: true, cancellationToken);
        return batch.Outcomes(_ => null);
    }

    /// <summary>Follows a run already on the server, from its first event to its end (which may have come already); Ctrl+C stops only the watching.</summary>
    /// <exception cref="PipelineException">No such run, or the server refuses the key.</exception>
    internal static async Task<RunOutcome> WatchAsync(PipelineServer client, Guid runId, ProgressRenderer renderer, CancellationToken cancellationToken = default)
    {
        var run = await client.GetRunAsync(runId, cancellationToken);
        renderer.Started(runId, run.Spec, client.Address.ToString());
        var batch = new RunBatch(renderer);
        await batch.SubmitAsync(() => Task.FromResult(runId));
        await FollowAsync(client, batch, renderer, cancelOnCtrlC: false, cancellationToken);
        return batch.Followers[0].Outcome(_ => null);
    }

    /// <summary>Uploads what the run needs, then submits it <paramref name="runs"/> times.</summary>
    private static async Task<RunBatch> SubmitAsync(PipelineServer client, LocalRun request, int runs, ProgressRenderer renderer, CancellationToken cancellationToken)
    {
        var spec = request.Spec;
        var upload = await client.UploadDatasetAsync(spec.Dataset, request.DataDir, cancellationToken);
        renderer.Uploaded(spec.Dataset, upload, client.Address);
        if (request.WeightsFile is { } weights)
            spec = spec with { Training = spec.Training with { Weights = await client.UploadWeightsAsync(weights, cancellationToken) } };

        var batch = new RunBatch(renderer);
        for (var i = 0; i < runs; i++)
        {
            var id = await batch.SubmitAsync(async () =>
            {
                var (runId, errors) = await client.SubmitAsync(spec, cancellationToken);
                return runId ?? throw new PipelineException($"The server rejected the run: {ValidationErrors.Describe(errors!)}");
            });
            renderer.Started(id, spec, request.DataDir);
        }
        return batch;
    }

    /// <summary>Polls each live run's journal until every run has ended; with <paramref name="cancelOnCtrlC"/>, a Ctrl+C cancels them all.</summary>
    private static async Task FollowAsync(PipelineServer client, RunBatch batch, ProgressRenderer renderer, bool cancelOnCtrlC, CancellationToken cancellationToken)
    {
        Task cancelled = Task.CompletedTask;
        using var cancel = cancelOnCtrlC
            ? new CtrlC(renderer, () => cancelled = Task.WhenAll(batch.Live.Select(runId => client.CancelAsync(runId, cancellationToken))))
            : null;
        var after = new Dictionary<Guid, long>();
        while (!batch.Ended)
        {
            foreach (var runId in batch.Live.ToList())
            {
                var (events, last) = await client.EventsAsync(runId, after.GetValueOrDefault(runId), cancellationToken);
                after[runId] = last;
                foreach (var message in events)
                    batch.Follow(message);
            }
            if (!batch.Ended)
                await Task.Delay(PollInterval, cancellationToken);
        }
        await cancelled;
    }

    /// <summary>Each trial's report folder and the run-level report folder, relative to the run's folder.</summary>
    private static List<string> ReportFolders(Guid runId, object? end)
    {
        if (end is not RunCompleted completed)
            return [];
        return completed.Trials.Select(trial => trial.ReportKey).Append(completed.SummaryKey)
            .Select(key => ObjectKeys.InRunFolder(runId, key))
            .OfType<string>()
            .Select(path => path[..(path.LastIndexOf('/') + 1)])
            .Distinct()
            .ToList();
    }
}
