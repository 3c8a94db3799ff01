using System.Diagnostics;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pipeline.Contracts;
using Pipeline.Datasets;
using Pipeline.ModelZoo.Backbones;
using Pipeline.Orchestrator.Runs;
using Pipeline.Storage;
using Pipeline.Weights;

namespace Pipeline.Cli.Embedded;

/// <summary>
/// Runs all four stages in this process and drives one run through them exactly as a remote client would: by sending
/// <see cref="SubmitRun"/>, <see cref="ResumeRun"/> and <see cref="CancelRun"/> on the bus and following the events.
/// </summary>
public static class EmbeddedRun
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    public static async Task<RunOutcome> ExecuteAsync(LocalRun request, LogLevel logLevel, ProgressRenderer renderer) =>
        (await ExecuteBatchAsync(request, 1, logLevel, renderer))[0].Outcome;

    /// <summary>Submits <paramref name="runs"/> copies of the run together (they queue for the stages) and follows them all to their end.</summary>
    public static Task<IReadOnlyList<TimedOutcome>> ExecuteBatchAsync(LocalRun request, int runs, LogLevel logLevel, ProgressRenderer renderer) =>
        InHostAsync(request.StoreFolder, request.Spec.Trials().Select(trial => trial.Training), logLevel, async (services, store) =>
        {
            services.GetRequiredService<LocalDatasets>().Register(request.Spec.Dataset, request.DataDir);
            if (request.WeightsFile is { } file)
                await WeightsImport.ImportAsync(store, file);
            var starts = new List<(Guid, object)>();
            for (var i = 0; i < runs; i++)
            {
                var runId = Guid.NewGuid();
                await store.PutJsonAsync(ObjectKeys.LocalDataFolder(runId), new LocalDataFolder(request.DataDir));
                renderer.Started(runId, request.Spec, request.DataDir);
                starts.Add((runId, new SubmitRun(runId, request.Spec)));
            }
            return await FollowAsync(services, store, starts, renderer);
        });

    /// <summary>
    /// Continues a run whose process died (it is <see cref="RunState.Interrupted"/> once this process starts) from its
    /// stored work: prepared shards, the last checkpoint of each trial.
    /// </summary>
    /// <param name="dataDir">The ImageFolder, when it moved since the run started; null for where it was.</param>
    /// <exception cref="PipelineException">No such run, a run that is not interrupted, or a data folder that is gone.</exception>
    public static async Task<RunOutcome> ResumeAsync(Guid runId, string storeFolder, string? dataDir, LogLevel logLevel, ProgressRenderer renderer) =>
        (await InHostAsync(storeFolder, trainings: [], logLevel, async (services, store) =>
        {
            var run = services.GetRequiredService<RunStore>().Find(runId)
                      ?? throw new PipelineException($"There is no run {runId:N} in the store {storeFolder}: --store must name the folder the run was started with.");
            if (run.State != RunState.Interrupted)
                throw new PipelineException(run.State.IsFinal()
                    ? $"Run {runId:N} is {run.State}: only an interrupted run (one whose process was killed) can be resumed."
                    : $"Run {runId:N} is {run.State} in another process that is still running; wait for it, or stop that process and resume.");
            var folder = dataDir ?? (await store.GetJsonAsync<LocalDataFolder>(ObjectKeys.LocalDataFolder(runId))).DataDir;
            if (run.ManifestKey is null && !Directory.Exists(folder))
                throw new PipelineException($"Run {runId:N} stopped while preparing '{folder}', which is gone: give its new place as DATA_DIR.");
            services.GetRequiredService<LocalDatasets>().Register(run.Spec.Dataset, folder);
            renderer.Started(runId, run.Spec, folder, ResumedAt(run));
            return await FollowAsync(services, store, [(runId, new ResumeRun(runId))], renderer);
        }))[0].Outcome;

    private static string ResumedAt(RunRecord run) => run.ManifestKey is null
        ? "preparing the dataset"
        : string.Join(", ", run.Trials.Where(t => !t.State.IsFinal()).Select(t => t.State == RunState.Evaluating ? $"trial {t.TrialId} evaluating" : $"trial {t.TrialId} from its last checkpoint"));

    /// <param name="trainings">A new run's trials' training settings, whose weights are made ready before the stages start; none for a resumed run, whose are.</param>
    private static async Task<T> InHostAsync<T>(string storeFolder, IEnumerable<TrainingSpec> trainings, LogLevel logLevel, Func<IServiceProvider, FileSystemObjectStore, Task<T>> work)
    {
        var store = new FileSystemObjectStore(Path.Combine(storeFolder, "objects"));
        using var host = EmbeddedHost.Build(storeFolder, store, logLevel);
        // Weights that must be downloaded are fetched (or found missing, offline) before any stage starts work.
        foreach (var training in trainings.DistinctBy(training => (training.Backbone, training.Weights)))
            await host.Services.GetRequiredService<BackboneRegistry>().PrepareAsync(training.Backbone, training.Weights);
        await host.StartAsync();
        try
        {
            return await work(host.Services, store);
        }
        finally
        {
            // Stages stop between batches; a stage that does not must not keep the command from ending.
            await host.StopAsync(StopTimeout);
        }
    }

    /// <param name="starts">Each run and the command that starts its work: a submission or a resumption.</param>
    private static async Task<IReadOnlyList<TimedOutcome>> FollowAsync(IServiceProvider services, FileSystemObjectStore store,
        IReadOnlyList<(Guid RunId, object Start)> starts, ProgressRenderer renderer)
    {
        var bus = services.GetRequiredService<IBus>();
        var watcher = services.GetRequiredService<RunWatcher>();
        var batch = new RunBatch(renderer);
        Task cancelled = Task.CompletedTask;
        using var cancel = new CtrlC(renderer, () => cancelled = Task.WhenAll(batch.Live.Select(runId => bus.Publish(new CancelRun(runId)))));

        foreach (var (runId, start) in starts)
            await batch.SubmitAsync(async () =>
            {
                await bus.Publish(start);
                return runId;
            });
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
