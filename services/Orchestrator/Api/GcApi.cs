using Pipeline.Orchestrator.Api.Security;
using Pipeline.Orchestrator.Retention;

namespace Pipeline.Orchestrator.Api;

/// <summary><c>POST /gc?dryRun=true</c>: what `pipeline gc --server` asks; an operator's job, so admin only.</summary>
public static class GcApi
{
    public static IEndpointRouteBuilder MapGcApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/gc", async (bool? dryRun, StoreCollector collector, CancellationToken cancellationToken) =>
            TypedResults.Ok(await collector.CollectAsync(dryRun ?? false, cancellationToken))).RequireAuthorization(ApiRoles.Admin);
        return app;
    }
}
