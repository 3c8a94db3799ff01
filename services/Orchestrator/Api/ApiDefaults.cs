namespace Pipeline.Orchestrator.Api;

public static class ApiDefaults
{
    /// <summary>problem+json for every error (bad JSON included), and the pipeline's JSON dialect.</summary>
    public static IHostApplicationBuilder AddPipelineApi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails();
        builder.Services.ConfigureHttpJsonOptions(options => PipelineJson.Configure(options.SerializerOptions));
        return builder;
    }

    public static WebApplication UsePipelineApi(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapHealthChecks("/health");
        return app;
    }
}
