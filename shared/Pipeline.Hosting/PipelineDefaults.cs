using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.Http;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Pipeline.Datasets;
using Pipeline.Storage;
using Pipeline.Telemetry;

namespace Pipeline.Hosting;

public static class PipelineDefaults
{
    /// <summary>
    /// What every pipeline process shares: configuration (code defaults, then environment variables such as
    /// <c>Pipeline__Store__Provider</c>), one-line console logs with trace and span ids, OpenTelemetry traces,
    /// metrics and logs (Prometheus at <c>/metrics</c>; OTLP export when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set), health checks, the object store and the dataset catalog.
    /// </summary>
    public static IHostApplicationBuilder AddPipelineDefaults(this IHostApplicationBuilder builder, string serviceName)
    {
        // Every log line carries the trace and span ids of the work it is about (scopes), so logs and traces meet.
        builder.Logging.Configure(options => options.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
        builder.Logging.AddSimpleConsole(options =>
        {
            options.SingleLine = true;
            options.TimestampFormat = "HH:mm:ss ";
            options.IncludeScopes = true;
        });
        // Frameworks speak up only when something is wrong; the pipeline's own classes log at Information.
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Logging.AddFilter("System.Net.Http", LogLevel.Warning);
        builder.Logging.AddFilter("MassTransit", LogLevel.Warning);
        builder.Logging.AddOpenTelemetry(logs =>
        {
            logs.IncludeFormattedMessage = true;
            logs.IncludeScopes = true;
        });

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName))
            .WithTracing(tracing => tracing.AddSource(PipelineTelemetry.Name, "MassTransit")
                .AddAspNetCoreInstrumentation(options => options.Filter = context => !IsProbe(context.Request.Path))
                .AddHttpClientInstrumentation())
            .WithMetrics(metrics => metrics.AddMeter(PipelineTelemetry.Name, "MassTransit")
                .AddRuntimeInstrumentation()
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddPrometheusExporter());
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
            telemetry.UseOtlpExporter();

        builder.Services.AddHealthChecks().AddCheck<ObjectStoreHealthCheck>("object-store", tags: [HealthEndpoints.ReadyTag]);
        builder.Services.AddSingleton<RunCancellations>();
        builder.Services.AddOptions<StoreOptions>().Bind(builder.Configuration.GetSection(StoreOptions.Section));
        builder.Services.AddSingleton<IObjectStore>(services => new TracedObjectStore(ObjectStore(services)));
        builder.Services.AddSingleton<LocalDatasets>();
        builder.Services.AddSingleton<IDatasetCatalog, DatasetCatalog>();
        return builder;
    }

    /// <summary>Health probes and Prometheus scrapes, every few seconds: not worth a trace each.</summary>
    private static bool IsProbe(PathString path) =>
        path.StartsWithSegments("/health", StringComparison.Ordinal) || path.StartsWithSegments(MetricsEndpoint.Path, StringComparison.Ordinal);

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
