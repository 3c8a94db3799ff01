using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Pipeline.Evaluator;
using Pipeline.Hosting;
using Pipeline.ModelZoo.Backbones;
using Pipeline.Orchestrator;
using Pipeline.Preprocessor;
using Pipeline.Storage;
using Pipeline.Trainer;

namespace Pipeline.Cli.Embedded;

/// <summary>All four stages in this process, on MassTransit's in-memory transport, with a folder as the object store.</summary>
public static class EmbeddedHost
{
    /// <param name="storeFolder">Holds the objects (<c>objects/</c>) and the run database (<c>runs.db</c>).</param>
    public static IHost Build(string storeFolder, FileSystemObjectStore store, LogLevel logLevel)
    {
        // The command is configured by its options and the environment (e.g. OTEL_EXPORTER_OTLP_ENDPOINT); embedded
        // mode stays embedded whatever the environment says about the bus, the store or the database.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddEnvironmentVariables();
        // The user typed the URL: the CLI downloads from any https host (services only from allow-listed ones).
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [$"{WeightsOptions.Section}:{nameof(WeightsOptions.AllowAnyHttpsHost)}"] = "true" });
        AddStages(builder, storeFolder, store, logLevel, bus => bus.AddConsumer<RunWatcherConsumer>());
        builder.Services.AddSingleton<RunWatcher>();
        return builder.Build();
    }

    /// <summary>
    /// Every stage and the in-memory bus that joins them, on top of <paramref name="builder"/>'s own configuration: what
    /// `pipeline run` hosts, and what `pipeline serve` hosts behind the API.
    /// </summary>
    /// <param name="consumers">The host's own consumers besides the stages'.</param>
    public static void AddStages(IHostApplicationBuilder builder, string storeFolder, FileSystemObjectStore store, LogLevel logLevel,
        Action<IBusRegistrationConfigurator>? consumers = null)
    {
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"{StoreOptions.Section}:Root"] = store.Root,
            [$"{BusOptions.Section}:Transport"] = nameof(BusTransport.InMemory),
            [$"{OrchestratorOptions.Section}:Database"] = $"Data Source={Path.Combine(storeFolder, "runs.db")}",
            [$"{OrchestratorOptions.Section}:InProcessWorkers"] = "true",
        });
        builder.AddPipelineDefaults("pipeline");
        builder.Services.AddSingleton<IObjectStore>(new TracedObjectStore(store));
        // stdout is reserved for results (--json); every log line goes to stderr.
        builder.Services.Configure<ConsoleLoggerOptions>(options => options.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(logLevel);
        // A weights download can take minutes: its progress always shows.
        builder.Logging.AddFilter(typeof(BackboneRegistry).FullName, LogLevel.Information);
        builder.AddOrchestratorStage();
        builder.AddPreprocessorStage();
        builder.AddTrainerStage();
        builder.AddEvaluatorStage();
        builder.AddPipelineBus(bus =>
        {
            bus.AddOrchestratorConsumers();
            bus.AddPreprocessorConsumers();
            bus.AddTrainerConsumers();
            bus.AddEvaluatorConsumers();
            consumers?.Invoke(bus);
        });
    }
}
