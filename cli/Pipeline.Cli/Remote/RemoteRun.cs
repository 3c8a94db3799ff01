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
        var spec = request.Spec;
        var upload = await client.UploadDatasetAsync(spec.Dataset, request.DataDir, cancellationToken);
        renderer.Uploaded(spec.Dataset, upload, server);
        if (request.WeightsFile is { } weights)
            spec = spec with { Training = spec.Training with { Weights = await client.UploadWeightsAsync(weights, cancellationToken) } };

        var (runId, errors) = await client.SubmitAsync(spec, cancellationToken);
        if (runId is not { } id)
            throw new PipelineException($"The server rejected the run: {ValidationErrors.Describe(errors!)}");

        var follower = new RunFollower(id, renderer);
        Task cancelled = Task.CompletedTask;
        using var cancel = new CtrlC(renderer, () => cancelled = client.CancelAsync(id, cancellationToken));
        renderer.Started(id, spec, request.DataDir);
        long after = 0;
        while (follower.End is null)
        {
            var (events, last) = await client.EventsAsync(id, after, cancellationToken);
            after = last;
            foreach (var message in events)
                follower.Follow(message);
            if (follower.End is null)
                await Task.Delay(PollInterval, cancellationToken);
        }
        await cancelled;

        var target = Path.Combine(downloads, id.ToString("N"));
        var reports = ReportFolders(id, follower.End);
        if (reports.Count > 0)
            await client.DownloadAsync(id, reports, target, cancellationToken);
        return follower.Outcome(key => ObjectKeys.InRunFolder(id, key) is { } path ? Path.GetDirectoryName(Path.Combine(target, path)) : null);
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
