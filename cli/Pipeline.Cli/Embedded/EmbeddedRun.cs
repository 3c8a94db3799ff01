using System.Diagnostics;
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
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    public static async Task<RunOutcome> ExecuteAsync(LocalRun request, LogLevel logLevel, ProgressRenderer renderer) =>
        (await ExecuteBatchAsync(request, 1, logLevel, renderer))[0].Outcome;

    /// <summary>Submits <paramref name="runs"/> copies of the run together (they queue for the stages) and follows them all to their end.</summary>
    public static async Task<IReadOnlyList<TimedOutcome>> ExecuteBatchAsync(LocalRun request, int runs, LogLevel logLevel, ProgressRenderer renderer)
    {
        var store = new FileSystemObjectStore(Path.Combine(request.StoreFolder, "objects"));
        using var host = EmbeddedHost.Build(request.StoreFolder, store, logLevel);
        await host.StartAsync();
        try
        {
            host.Services.GetRequiredService<LocalDatasets>().Register(request.Spec.Dataset, request.DataDir);
            if (request.WeightsFile is { } file)
                await WeightsImport.ImportAsync(store, file);
            return await WatchAsync(host.Services, store, request.Spec, request.DataDir, runs, renderer);
        }
        finally
        {
            // Stages stop between batches; a stage that does not must not keep the command from ending.
            await host.StopAsync(StopTimeout);
        }
    }

    private static async Task<IReadOnlyList<TimedOutcome>> WatchAsync(IServiceProvider services, FileSystemObjectStore store, RunSpec spec, string dataDir,
        int runs, ProgressRenderer renderer)
    {
        var bus = services.GetRequiredService<IBus>();
        var watcher = services.GetRequiredService<RunWatcher>();
        var batch = new RunBatch(renderer);
        Task cancelled = Task.CompletedTask;
        using var cancel = new CtrlC(renderer, () => cancelled = Task.WhenAll(batch.Live.Select(runId => bus.Publish(new CancelRun(runId)))));

        for (var i = 0; i < runs; i++)
        {
            var runId = Guid.NewGuid();
            renderer.Started(runId, spec, dataDir);
            await batch.SubmitAsync(async () =>
            {
                await bus.Publish(new SubmitRun(runId, spec));
                return runId;
            });
        }
        await foreach (var message in watcher.Events.ReadAllAsync())
        {
            batch.Follow(message);
            if (batch.Ended)
            {
                await cancelled;
                return batch.Outcomes(key => FolderOf(store, key));
            }
        }
        throw new UnreachableException("The event stream ended before the runs did.");
    }

    private static string? FolderOf(FileSystemObjectStore store, string? key) => key is null ? null : Path.GetDirectoryName(store.PathOf(key));
}
