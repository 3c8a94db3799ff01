using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Pipeline.Datasets;
using Pipeline.Storage;

namespace Pipeline.Hosting;

public static class PipelineDefaults
{
    /// <summary>
    /// What every pipeline process shares: configuration (code defaults, then environment variables such as
    /// <c>Pipeline__Store__Provider</c>), one-line console logs, OpenTelemetry (OTLP export when
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set), health checks, the object store and the dataset catalog.
    /// </summary>
    public static IHostApplicationBuilder AddPipelineDefaults(this IHostApplicationBuilder builder, string serviceName)
    {
        builder.Logging.AddSimpleConsole(options =>
        {
            options.SingleLine = true;
            options.TimestampFormat = "HH:mm:ss ";
        });
        // Frameworks speak up only when something is wrong; the pipeline's own classes log at Information.
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Logging.AddFilter("System.Net.Http", LogLevel.Warning);
        builder.Logging.AddFilter("MassTransit", LogLevel.Warning);

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName))
            .WithTracing(tracing => tracing.AddSource(PipelineTelemetry.Name, "MassTransit"))
            .WithMetrics(metrics => metrics.AddMeter(PipelineTelemetry.Name, "MassTransit").AddRuntimeInstrumentation());
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
            telemetry.UseOtlpExporter();

        builder.Services.AddHealthChecks().AddCheck<ObjectStoreHealthCheck>("object-store", tags: [HealthEndpoints.ReadyTag]);
        builder.Services.AddSingleton<RunCancellations>();
        builder.Services.AddOptions<StoreOptions>().Bind(builder.Configuration.GetSection(StoreOptions.Section));
        builder.Services.AddSingleton<IObjectStore>(ObjectStore);
        builder.Services.AddSingleton<LocalDatasets>();
        builder.Services.AddSingleton<IDatasetCatalog, DatasetCatalog>();
        return builder;
    }

    /// <summary>The store <c>Pipeline:Store:Provider</c> names: a folder (the default) or an S3 bucket.</summary>
    private static IObjectStore ObjectStore(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<StoreOptions>>().Value;
        return options.Provider switch
        {
            StoreProvider.FileSystem => new FileSystemObjectStore(options.Root),
            StoreProvider.S3 => new S3ObjectStore(options.S3, services.GetRequiredService<ILogger<S3ObjectStore>>()),
            _ => throw new PipelineException($"Unknown {StoreOptions.Section}:Provider '{options.Provider}': use FileSystem or S3."),
        };
    }
}
