using System.Diagnostics;
using System.Runtime.InteropServices;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Pipeline.Contracts;
using Pipeline.Evaluator;
using Pipeline.Hosting;
using Pipeline.Orchestrator;
using Pipeline.Orchestrator.Runs;
using Pipeline.Preprocessor;
using Pipeline.Runs;
using Pipeline.Storage;
using Pipeline.Trainer;

namespace Pipeline.Cli.Embedded;

/// <summary>Runs all four stages in this process on MassTransit's in-memory transport and a folder store.</summary>
public static class EmbeddedRun
{
    public static async Task<RunOutcome> ExecuteAsync(RunSpec spec, string storeRoot, LogLevel logLevel, ProgressRenderer renderer)
    {
        using var host = BuildHost(storeRoot, logLevel);
        await host.StartAsync();
        try
        {
            return await WatchAsync(host.Services, spec, renderer);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    private static IHost BuildHost(string storeRoot, LogLevel logLevel)
    {
        // The command is configured by its options and the environment (e.g. OTEL_EXPORTER_OTLP_ENDPOINT), not by the
        // services' appsettings.json files that land beside it; embedded mode stays embedded whatever the environment says.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddEnvironmentVariables();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"{StoreOptions.Section}:Root"] = storeRoot,
            [$"{BusOptions.Section}:Transport"] = nameof(BusTransport.InMemory),
        });
        builder.AddPipelineDefaults("pipeline");
        // stdout is reserved for results (--json); every log line goes to stderr.
        builder.Services.Configure<ConsoleLoggerOptions>(options => options.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(logLevel);
        builder.AddOrchestratorStage();
        builder.AddPreprocessorStage();
        builder.AddTrainerStage();
        builder.AddEvaluatorStage();
        builder.Services.AddSingleton<RunWatcher>();
        builder.AddPipelineBus(bus => bus.AddConsumer<RunWatcherConsumer>());
        return builder.Build();
    }

    private static async Task<RunOutcome> WatchAsync(IServiceProvider services, RunSpec spec, ProgressRenderer renderer)
    {
        var bus = services.GetRequiredService<IBus>();
        var coordinator = services.GetRequiredService<RunCoordinator>();
        var watcher = services.GetRequiredService<RunWatcher>();
        var store = services.GetRequiredService<IObjectStore>();
        var runId = Guid.NewGuid();
        var timings = new StageTimings();

        // Ctrl+C (or SIGTERM) asks the orchestrator to cancel; the run then ends as Cancelled like any other end.
        var cancelOnce = 0;
        void RequestCancel(PosixSignalContext context)
        {
            // The first signal cancels cleanly; a second one gets the default behaviour (the process ends now).
            context.Cancel = Interlocked.Exchange(ref cancelOnce, 1) == 0;
            if (context.Cancel)
            {
                renderer.Cancelling();
                _ = coordinator.CancelAsync(runId, bus);
            }
        }
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, RequestCancel);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, RequestCancel);

        renderer.Started(runId, spec);
        await coordinator.SubmitAsync(runId, spec, bus);
        if (Volatile.Read(ref cancelOnce) == 1)
            await coordinator.CancelAsync(runId, bus);
        await foreach (var message in watcher.Events.ReadAllAsync())
        {
            switch (message)
            {
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
                    if (c.State == RunState.Completed)
                        timings.End("evaluate");
                    return new RunOutcome(runId, c.State, c.TestAccuracy, c.State == RunState.Completed ? ReportDir(store, runId) : null, c.Error, timings.Seconds);
            }
        }
        throw new UnreachableException("The event stream ended before the run did.");
    }

    private static string? ReportDir(IObjectStore store, Guid runId) =>
        store.LocalPath(ObjectKeys.ReportFile(runId, "metrics.json")) is { } metrics ? Path.GetDirectoryName(metrics) : null;

    /// <summary>Wall time of each stage, measured from the end of the one before.</summary>
    private sealed class StageTimings
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly Dictionary<string, double> _seconds = [];
        private double _last;

        public double this[string stage] => _seconds[stage];
        public IReadOnlyDictionary<string, double> Seconds => _seconds;

        public void End(string stage)
        {
            var now = _clock.Elapsed.TotalSeconds;
            _seconds[stage] = Math.Round(now - _last, 2);
            _last = now;
        }
    }
}

public sealed record RunOutcome(Guid RunId, RunState State, double? TestAccuracy, string? ReportDir, string? Error, IReadOnlyDictionary<string, double> StageSeconds);
