using Microsoft.Extensions.Options;
using Pipeline.Hosting;
using Pipeline.Orchestrator.Runs;

namespace Pipeline.Orchestrator;

public static class OrchestratorStage
{
    /// <summary>Run state (SQLite file <c>runs.db</c> beside the objects) and the consumer that drives it.</summary>
    public static IHostApplicationBuilder AddOrchestratorStage(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(provider => new RunStore(Path.Combine(provider.GetRequiredService<IOptions<StoreOptions>>().Value.Root, "runs.db")));
        builder.Services.AddSingleton<RunCoordinator>();
        builder.Services.AddStageConsumer<RunEventsConsumer>();
        return builder;
    }
}
