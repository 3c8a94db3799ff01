using System.Diagnostics;
using System.Runtime.InteropServices;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pipeline.Contracts;
using Pipeline.Datasets;
using Pipeline.Storage;
using Pipeline.Weights;

namespace Pipeline.Cli.Embedded;

/// <summary>
/// Runs all four stages in this process and drives one run through them exactly as a remote client would: by sending
/// <see cref="SubmitRun"/> and <see cref="CancelRun"/> on the bus and following the events.
/// </summary>
public static class EmbeddedRun
{
    public static async Task<RunOutcome> ExecuteAsync(LocalRun request, LogLevel logLevel, ProgressRenderer renderer)
    {
        var store = new FileSystemObjectStore(Path.Combine(request.StoreFolder, "objects"));
        using var host = EmbeddedHost.Build(request.StoreFolder, store, logLevel);
        await host.StartAsync();
        try
        {
            host.Services.GetRequiredService<LocalDatasets>().Register(request.Spec.Dataset, request.DataDir);
            if (request.WeightsFile is { } file)
                await WeightsImport.ImportAsync(store, file);
            return await WatchAsync(host.Services, store, request.Spec, request.DataDir, renderer);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    private static async Task<RunOutcome> WatchAsync(IServiceProvider services, FileSystemObjectStore store, RunSpec spec, string dataDir, ProgressRenderer renderer)
    {
        var bus = services.GetRequiredService<IBus>();
        var watcher = services.GetRequiredService<RunWatcher>();
        var runId = Guid.NewGuid();
        var timings = new StageTimings();

        // Ctrl+C (or SIGTERM) asks the orchestrator to cancel; the run then ends as Cancelled like any other end.
        var cancelling = 0;
        Task cancelled = Task.CompletedTask;
        void RequestCancel(PosixSignalContext context)
        {
            // The first signal cancels cleanly; a second one gets the default behaviour (the process ends now).
            context.Cancel = Interlocked.Exchange(ref cancelling, 1) == 0;
            if (context.Cancel)
            {
                renderer.Cancelling();
                cancelled = bus.Publish(new CancelRun(runId));
            }
        }
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, RequestCancel);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, RequestCancel);

        renderer.Started(runId, spec, dataDir);
        await bus.Publish(new SubmitRun(runId, spec));
        await foreach (var message in watcher.Events.ReadAllAsync())
        {
            switch (message)
            {
                case RunRejected r when r.RunId == runId:
                    return new RunOutcome(runId, RunState.Failed, null, null, ValidationErrors.Describe(r.Errors), timings.Seconds, [], null);
                case PreprocessingProgressed p when p.RunId == runId:
                    renderer.Preprocessing(p);
                    break;
                case DatasetPrepared d when d.RunId == runId:
                    timings.End("preprocess");
                    renderer.Prepared(d, timings["preprocess"]);
                    break;
                case EpochCompleted e when e.RunId == runId:
                    renderer.Epoch(e);
                    break;
                case ModelTrained t when t.RunId == runId:
                    timings.End("train");
                    renderer.Trained(t, timings["train"]);
                    break;
                case RunCompleted c when c.RunId == runId:
                    await cancelled;
                    if (c.State == RunState.Completed)
                        timings.End("evaluate");
                    var trials = c.Trials.Select(t => new TrialReport(t.TrialId, t.State, t.TestAccuracy, FolderOf(store, t.ReportKey))).ToList();
                    return new RunOutcome(runId, c.State, c.TestAccuracy, FolderOf(store, c.ReportKey), c.Error, timings.Seconds, trials, c.BestTrialId);
            }
        }
        throw new UnreachableException("The event stream ended before the run did.");
    }

    private static string? FolderOf(FileSystemObjectStore store, string? key) => key is null ? null : Path.GetDirectoryName(store.PathOf(key));
}
