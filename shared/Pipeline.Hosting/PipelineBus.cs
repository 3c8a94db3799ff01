using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Pipeline.Contracts;
using Pipeline.Hosting.Redelivery;

namespace Pipeline.Hosting;

public static class PipelineBus
{
    /// <summary>In-process retries of a message whose consumer threw: enough to ride out a restart, short enough to fail a run in a minute.</summary>
    public static readonly TimeSpan[] Retries = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15)];

    /// <summary>
    /// Builds the one MassTransit bus of this process with the consumers <paramref name="consumers"/> registers
    /// (each stage offers an <c>AddXxxConsumers</c> for it). <c>Pipeline:Bus:Transport</c> picks <c>InMemory</c>
    /// (embedded, the default) or <c>RabbitMq</c>.
    /// </summary>
    public static IHostApplicationBuilder AddPipelineBus(this IHostApplicationBuilder builder, Action<IBusRegistrationConfigurator> consumers)
    {
        var options = builder.Configuration.GetSection(BusOptions.Section).Get<BusOptions>() ?? new BusOptions();
        builder.Services.AddMassTransit(bus =>
        {
            // Usage telemetry phones home; on a host without internet it printed a stack trace on every long run.
            bus.DisableUsageTelemetry();
            bus.SetKebabCaseEndpointNameFormatter();
            // A fault that escapes a consumer (a stage turns only the user's problems into StageFailed) may be transient:
            // try again with backoff before the message goes to the error queue and the orchestrator fails the run.
            var redeliveries = options.Transport == BusTransport.RabbitMq && options.Redeliveries > 0 ? new RedeliveryQueues(options.RabbitMq) : null;
            bus.AddConfigureEndpointsCallback((context, name, endpoint) =>
            {
                // Rounds minutes apart through a redelivery queue (a store down for longer), around the quick retries in process.
                if (redeliveries is not null && StageQueues.Commands.Contains(name))
                    endpoint.UseTtlRedelivery(name, redeliveries, options.RedeliveryWaits);
                endpoint.UseMessageRetry(retry => retry.Intervals(Retries));
                if (Failpoints.IsOn(Failpoints.DeliverTwice))
                    endpoint.UseConsumeFilter(typeof(DeliverTwiceFilter<>), context);
            });
            consumers(bus);
            // Every process must hear cancellations, so this endpoint is per instance, not shared.
            bus.AddConsumer<RunCancelledConsumer>().Endpoint(e =>
            {
                e.InstanceId = $"{Environment.MachineName}-{Environment.ProcessId}";
                e.Temporary = true;
            });
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
}
