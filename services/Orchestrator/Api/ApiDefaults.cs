using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Routing;
using Pipeline.Contracts;
using Pipeline.Hosting;
using Pipeline.Orchestrator.Api.Dashboard;
using Pipeline.Orchestrator.Api.Events;
using Pipeline.Orchestrator.Api.Limits;
using Pipeline.Orchestrator.Api.Security;

namespace Pipeline.Orchestrator.Api;

public static class ApiDefaults
{
    /// <summary>problem+json for every error, a malformed body included, the pipeline's JSON dialect, API keys and limits.</summary>
    public static IHostApplicationBuilder AddPipelineApi(this IHostApplicationBuilder builder)
    {
        // Bad bodies throw in every environment, so one handler turns them into the same 400 problem.
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            switch (context.Exception)
            {
                case BadHttpRequestException bad:
                    context.ProblemDetails.Title = "Bad request";
                    context.ProblemDetails.Detail = bad.InnerException?.Message ?? bad.Message;
                    break;
                case PipelineException problem:
                    // Worded for the user already (e.g. an archive that is not an ImageFolder).
                    context.ProblemDetails.Title = "Bad request";
                    context.ProblemDetails.Detail = problem.Message;
                    break;
            }
        });
        builder.Services.ConfigureHttpJsonOptions(options => PipelineJson.Configure(options.SerializerOptions));
        builder.AddApiSecurity();
        builder.AddApiLimits();
        builder.Services.Configure<RunEventsOptions>(builder.Configuration.GetSection(RunEventsOptions.Section));
        builder.Services.AddSingleton<RunEventStream>();
        builder.AddDashboard();
        return builder;
    }

    /// <summary>
    /// The middleware and every endpoint of the API: the one place they are registered, for the orchestrator service and
    /// for `pipeline serve`, which hosts the same API beside all four stages.
    /// </summary>
    public static WebApplication UsePipelineApi(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = exception => exception switch
            {
                BadHttpRequestException bad => bad.StatusCode,
                PipelineException => StatusCodes.Status400BadRequest,
                _ => StatusCodes.Status500InternalServerError,
            },
        });
        app.UseStatusCodePages();
        // Read the keys now: a server without usable keys stops at startup, saying why, rather than refusing every call.
        app.Services.GetRequiredService<ApiKeyRing>();
        app.UseAuthentication();
        app.UseApiLimits();
        app.UseAuthorization();
        app.MapPipelineHealth();
        app.MapPipelineMetrics();
        app.MapRunsApi();
        app.MapDatasetsApi();
        app.MapWeightsApi();
        app.MapGcApi();
        app.MapDashboard();
        return app;
    }
}
