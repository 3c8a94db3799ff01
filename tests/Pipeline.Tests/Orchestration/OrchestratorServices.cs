using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pipeline.Orchestrator;
using Pipeline.Orchestrator.Runs;
using Pipeline.Storage;

namespace Pipeline.Tests.Orchestration;

/// <summary>The orchestrator's run services over a temp folder, for consumer harness tests: run database, store, outbox, coordinator, leases.</summary>
public static class OrchestratorServices
{
    public static IServiceCollection AddOrchestrator(this IServiceCollection services, string folder, OrchestratorOptions options, TimeProvider? clock = null) => services
        .AddSingleton(new RunStore($"Data Source={Path.Combine(folder, "runs.db")}"))
        .AddSingleton<IObjectStore>(new FileSystemObjectStore(Path.Combine(folder, "objects")))
        .AddSingleton(clock ?? TimeProvider.System)
        .AddSingleton(Options.Create(options))
        .AddSingleton<RunSummaryWriter>()
        .AddSingleton<OutboxDispatcher>()
        .AddHostedService(provider => provider.GetRequiredService<OutboxDispatcher>())
        .AddSingleton<RunCoordinator>()
        .AddSingleton<TrialLeases>();
}
