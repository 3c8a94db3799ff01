using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Pipeline.Cli.Embedded;
using Pipeline.Orchestrator.Api;
using Pipeline.Orchestrator.Api.Security;
using Pipeline.Storage;

namespace Pipeline.Cli.Serving;

/// <summary>
/// `pipeline serve`: the orchestrator service's API (the same registration, <see cref="ApiDefaults"/>) in front of all
/// four stages in this process, as `pipeline run` hosts them: a pipeline server on one machine, without a broker.
/// </summary>
public static class OneMachineServer
{
    /// <param name="storeFolder">Holds the objects and the run database, as for `pipeline run --store`.</param>
    /// <param name="urls">Where Kestrel listens (ASP.NET Core's <c>urls</c>, ';'-separated).</param>
    /// <param name="keyFile">The API's keys, 'ROLE KEY' lines (<c>Pipeline:Api:KeyFile</c>).</param>
    /// <param name="logLevel">The pipeline's own log lines (stderr) from this level.</param>
    public static WebApplication Build(string storeFolder, string urls, string keyFile, LogLevel logLevel = LogLevel.Information)
    {
        // appsettings.json beside the binary and the environment configure it as they do the orchestrator service.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseUrls(urls);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [$"{ApiOptions.Section}:{nameof(ApiOptions.KeyFile)}"] = keyFile });
        EmbeddedHost.AddStages(builder, storeFolder, new FileSystemObjectStore(Path.Combine(storeFolder, "objects")), logLevel);
        builder.AddPipelineApi();
        var app = builder.Build();
        app.UsePipelineApi();
        return app;
    }
}
