using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Orchestrator.Runs;
using Pipeline.Storage;

namespace Pipeline.Tests.Orchestration;

/// <summary>The orchestrator service in memory (in-memory bus, a temp folder store and database) and a client for its API.</summary>
public sealed class OrchestratorApi : IDisposable
{
    private readonly TempDirectory _folder = new();
    // Any type of the orchestrator assembly locates its entry point.
    private readonly WebApplicationFactory<RunCoordinator> _factory;

    public OrchestratorApi()
    {
        _factory = new WebApplicationFactory<RunCoordinator>().WithWebHostBuilder(host => host
            .UseSetting("Pipeline:Store:Root", _folder.Combine("objects"))
            .UseSetting("Pipeline:Orchestrator:Database", $"Data Source={_folder.Combine("runs.db")}"));
        Client = _factory.CreateClient();
    }

    public HttpClient Client { get; }

    public T Service<T>() where T : notnull => _factory.Services.GetRequiredService<T>();

    public IObjectStore Store => Service<IObjectStore>();

    public void Dispose()
    {
        Client.Dispose();
        _factory.Dispose();
        _folder.Dispose();
    }
}
