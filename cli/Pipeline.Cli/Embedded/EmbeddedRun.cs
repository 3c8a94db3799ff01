using System.Diagnostics;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pipeline.Contracts;
using Pipeline.Datasets;
using Pipeline.ModelZoo.Backbones;
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

    public static async Task<RunOutcome> ExecuteAsync(LocalRun request, LogLevel logLevel, ProgressRenderer renderer)
    {
        var store = new FileSystemObjectStore(Path.Combine(request.StoreFolder, "objects"));
        using var host = EmbeddedHost.Build(request.StoreFolder, store, logLevel);
        // Weights that must be downloaded are fetched (or found missing, offline) before any stage starts work.
        await host.Services.GetRequiredService<BackboneRegistry>().PrepareAsync(request.Spec.Training.Backbone, request.Spec.Training.Weights);
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
            // Stages stop between batches; a stage that does not must not keep the command from ending.
            await host.StopAsync(StopTimeout);
        }
    }

    private static async Task<RunOutcome> WatchAsync(IServiceProvider services, FileSystemObjectStore store, RunSpec spec, string dataDir, ProgressRenderer renderer)
    {
        var bus = services.GetRequiredService<IBus>();
        var watcher = services.GetRequiredService<RunWatcher>();
        var runId = Guid.NewGuid();
        var follower = new RunFollower(runId, renderer);
        Task cancelled = Task.CompletedTask;
        using var cancel = new CtrlC(renderer, () => cancelled = bus.Publish(new CancelRun(runId)));

        renderer.Started(runId, spec, dataDir);
        await bus.Publish(new SubmitRun(runId, spec));
        await foreach (var message in watcher.Events.ReadAllAsync())
        {
            follower.Follow(message);
            if (follower.End is not null)
            {
                await cancelled;
                return follower.Outcome(key => FolderOf(store, key));
            }
        }
        throw new UnreachableException("The event stream ended before the run did.");
    }

    private static string? FolderOf(FileSystemObjectStore store, string? key) => key is null ? null : Path.GetDirectoryName(store.PathOf(key));
}
