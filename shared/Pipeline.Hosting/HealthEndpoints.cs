using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Routing;

namespace Pipeline.Hosting;

public static class HealthEndpoints
{
    /// <summary>The tag of the checks that must pass before a process takes work: the bus and the object store.</summary>
    public const string ReadyTag = "ready";

    /// <summary><c>/health/live</c>: the process answers. <c>/health/ready</c>: the broker and the store answer too.</summary>
    public static IEndpointRouteBuilder MapPipelineHealth(this IEndpointRouteBuilder app)
    {
        // Probes carry no credentials: where the API asks for a key, these do not.
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag) }).AllowAnonymous();
        return app;
    }
}
