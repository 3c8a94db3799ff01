using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Pipeline.Hosting;

public static class PipelineBus
{
    /// <summary>Registers a consumer for the bus that <see cref="AddPipelineBus"/> builds (stages call this from their AddXxxStage).</summary>
    public static IServiceCollection AddStageConsumer<TConsumer, TDefinition>(this IServiceCollection services)
        where TConsumer : class, IConsumer
        where TDefinition : class, IConsumerDefinition
    {
        services.AddSingleton(new StageConsumer(typeof(TConsumer), typeof(TDefinition)));
        return services;
    }

    public static IServiceCollection AddStageConsumer<TConsumer>(this IServiceCollection services)
        where TConsumer : class, IConsumer
    {
        services.AddSingleton(new StageConsumer(typeof(TConsumer), null));
        return services;
    }

    /// <summary>
    /// Builds the one MassTransit bus of this process with every consumer the stages registered.
    /// <c>Pipeline:Bus:Transport</c> picks <c>InMemory</c> (embedded, the default) or <c>RabbitMq</c>.
    /// Call it after the AddXxxStage calls.
    /// </summary>
    public static IHostApplicationBuilder AddPipelineBus(this IHostApplicationBuilder builder, Action<IBusRegistrationConfigurator>? configure = null)
    {
        var options = builder.Configuration.GetSection(BusOptions.Section).Get<BusOptions>() ?? new BusOptions();
        var consumers = builder.Services.Select(d => d.ImplementationInstance).OfType<StageConsumer>().ToList();
        builder.Services.AddMassTransit(bus =>
        {
            bus.SetKebabCaseEndpointNameFormatter();
            foreach (var consumer in consumers)
                bus.AddConsumer(consumer.Type, consumer.Definition);
            // Every process must hear cancellations, so this endpoint is per instance, not shared.
            bus.AddConsumer<RunCancelledConsumer>().Endpoint(e =>
            {
                e.InstanceId = $"{Environment.MachineName}-{Environment.ProcessId}";
                e.Temporary = true;
            });
            configure?.Invoke(bus);
            switch (options.Transport)
            {
                case BusTransport.InMemory:
                    bus.UsingInMemory((context, cfg) => cfg.ConfigureEndpoints(context));
                    break;
                case BusTransport.RabbitMq:
                    bus.UsingRabbitMq((context, cfg) =>
                    {
                        cfg.Host(options.RabbitMq.Host, options.RabbitMq.Port, options.RabbitMq.VirtualHost, host =>
                        {
                            host.Username(options.RabbitMq.Username);
                            host.Password(options.RabbitMq.Password);
                        });
                        cfg.ConfigureEndpoints(context);
                    });
                    break;
                default:
                    throw new PipelineException($"Unknown bus transport '{options.Transport}': use InMemory or RabbitMq.");
            }
        });
        return builder;
    }

    private sealed record StageConsumer(Type Type, Type? Definition);
}

public enum BusTransport
{
    InMemory,
    RabbitMq,
}

public sealed class BusOptions
{
    public const string Section = "Pipeline:Bus";
    public BusTransport Transport { get; set; } = BusTransport.InMemory;
    public RabbitMqOptions RabbitMq { get; set; } = new();
}

public sealed class RabbitMqOptions
{
    public string Host { get; set; } = "127.0.0.1";
    public ushort Port { get; set; } = 5672;
    public string VirtualHost { get; set; } = "/";
    public string Username { get; set; } = "guest";
    public string Password { get; set; } = "guest";
}
