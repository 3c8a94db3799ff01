using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pipeline.Orchestrator;
using Pipeline.Orchestrator.Api.Limits;
using Pipeline.Orchestrator.Runs;
using Pipeline.Storage;

namespace Pipeline.Tests.Orchestration;

/// <summary>The orchestrator's run services over a temp folder, for consumer harness tests: run database, store, outbox, coordinator, leases.</summary>
public static class OrchestratorServices
{
    /// <param name="limits">The server's bounds on submissions; the defaults when null.</param>
    public static IServiceCollection AddOrchestrator(this IServiceCollection services, string folder, OrchestratorOptions options, TimeProvider? clock = null,
        ApiLimits? limits = null) => services
        .AddSingleton(new RunStore($"Data Source={Path.Combine(folder, "runs.db")}"))
        .AddSingleton<IObjectStore>(new FileSystemObjectStore(Path.Combine(folder, "objects")))
        .AddSingleton(clock ?? TimeProvider.System)
        .AddSingleton(Options.Create(options))
        .AddSingleton(Options.Create(limits ?? new ApiLimits()))
        .AddSingleton<RunSummaryWriter>()
        .AddSingleton<OutboxDispatcher>()
        .AddHostedService(provider => provider.GetRequiredService<OutboxDispatcher>())
        .AddSingleton<RunCoordinator>()
        .AddSingleton<TrialLeases>();
}
