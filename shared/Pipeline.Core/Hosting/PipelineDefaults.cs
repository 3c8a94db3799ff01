using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Pipeline.Storage;

namespace Pipeline.Hosting;

public static class PipelineDefaults
{
    /// <summary>
    /// What every pipeline process shares: configuration (appsettings.json, then environment variables such as
    /// <c>Pipeline__Store__Root</c>), one-line console logs, OpenTelemetry (OTLP export when
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set), health checks and the object store.
    /// </summary>
    public static IHostApplicationBuilder AddPipelineDefaults(this IHostApplicationBuilder builder, string? serviceName = null)
    {
        serviceName ??= builder.Environment.ApplicationName;
        builder.Logging.AddSimpleConsole(options =>
        {
            options.SingleLine = true;
            options.TimestampFormat = "HH:mm:ss ";
        });

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName))
            .WithTracing(tracing => tracing.AddSource(PipelineTelemetry.Name, "MassTransit"))
            .WithMetrics(metrics => metrics.AddMeter(PipelineTelemetry.Name, "MassTransit").AddRuntimeInstrumentation());
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
            telemetry.UseOtlpExporter();

        builder.Services.AddHealthChecks();
        builder.Services.AddSingleton<RunCancellations>();
        builder.Services.AddPipelineObjectStore(builder.Configuration);
        return builder;
    }

    /// <summary>The object store named by configuration: <c>Pipeline:Store:Root</c>, a folder (the embedded default).</summary>
    public static IServiceCollection AddPipelineObjectStore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StoreOptions>().Bind(configuration.GetSection(StoreOptions.Section));
        services.AddSingleton<IObjectStore>(provider =>
        {
            var options = provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<StoreOptions>>().Value;
            return new FileSystemObjectStore(Path.Combine(options.Root, "objects"));
        });
        return services;
    }
}

public sealed class StoreOptions
{
    public const string Section = "Pipeline:Store";

    /// <summary>Folder holding the objects (under <c>objects/</c>) and the run database.</summary>
    public string Root { get; set; } = ".pipeline";
}
