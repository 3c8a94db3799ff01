using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace Pipeline.Hosting;

public static class MetricsEndpoint
{
    public const string Path = "/metrics";

    /// <summary>
    /// <c>/metrics</c>: every instrument in Prometheus's text format (the pipeline's, MassTransit's, ASP.NET Core's,
    /// HttpClient's, the runtime's). Like the health probes it asks for no key: scrapers carry none, and it shows counts
    /// and timings, never data, names of files or secrets.
    /// </summary>
    public static IEndpointRouteBuilder MapPipelineMetrics(this IEndpointRouteBuilder app)
    {
        app.MapPrometheusScrapingEndpoint(Path).AllowAnonymous();
        return app;
    }
}
