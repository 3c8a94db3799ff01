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
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"{StoreOptions.Section}:Root"] = store.Root,
            [$"{BusOptions.Section}:Transport"] = nameof(BusTransport.InMemory),
            [$"{OrchestratorOptions.Section}:Database"] = $"Data Source={Path.Combine(storeFolder, "runs.db")}",
            [$"{OrchestratorOptions.Section}:InProcessWorkers"] = "true",
            // The user typed the URL: the CLI downloads from any https host (services only from allow-listed ones).
            [$"{WeightsOptions.Section}:{nameof(WeightsOptions.AllowAnyHttpsHost)}"] = "true",
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
        builder.Services.AddSingleton<RunWatcher>();
        builder.AddPipelineBus(bus =>
        {
            bus.AddOrchestratorConsumers();
            bus.AddPreprocessorConsumers();
            bus.AddTrainerConsumers();
            bus.AddEvaluatorConsumers();
            bus.AddConsumer<RunWatcherConsumer>();
        });
        return builder.Build();
    }
}
