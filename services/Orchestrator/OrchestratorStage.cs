using MassTransit;
using Pipeline.Contracts;
using Microsoft.Extensions.Options;
using Pipeline.Orchestrator.Api.Limits;
using Pipeline.Orchestrator.Retention;
using Pipeline.Orchestrator.Runs;

namespace Pipeline.Orchestrator;

public static class OrchestratorStage
{
    /// <summary>Run state (the database named by <c>Pipeline:Orchestrator:Database</c>) and the coordinator that drives it.</summary>
    public static IHostApplicationBuilder AddOrchestratorStage(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<OrchestratorOptions>().Bind(builder.Configuration.GetSection(OrchestratorOptions.Section));
        builder.Services.AddOptions<ApiLimits>().Bind(builder.Configuration.GetSection(ApiLimits.Section));
        builder.Services.AddOptions<RetentionOptions>().Bind(builder.Configuration.GetSection(RetentionOptions.Section));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(provider => new RunStore(provider.GetRequiredService<IOptions<OrchestratorOptions>>().Value.Database));
        builder.Services.AddSingleton<RunSummaryWriter>();
        builder.Services.AddSingleton<OutboxDispatcher>();
        builder.Services.AddHostedService(provider => provider.GetRequiredService<OutboxDispatcher>());
        builder.Services.AddSingleton<RunCoordinator>();
        builder.Services.AddSingleton<TrialLeases>();
        builder.Services.AddSingleton<StoreCollector>();
        builder.Services.AddHostedService<LeaseSweeper>();
        builder.Services.AddHostedService<DeadlineSweeper>();
        builder.Services.AddHostedService<OrphanedRunsSweep>();
        builder.Services.AddHostedService<RunStateGauge>();
        return builder;
    }

    public static IBusRegistrationConfigurator AddOrchestratorConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<RunEventsConsumer>().Endpoint(endpoint => endpoint.Name = StageQueues.Orchestrator);
        bus.AddConsumer<TrialLeaseConsumer>().Endpoint(endpoint => endpoint.Name = StageQueues.Orchestrator);
        return bus;
    }
}
