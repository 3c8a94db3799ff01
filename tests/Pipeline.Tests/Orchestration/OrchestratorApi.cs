using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Orchestrator.Api.Security;
using Pipeline.Orchestrator.Runs;
using Pipeline.Storage;

namespace Pipeline.Tests.Orchestration;

/// <summary>
/// The orchestrator service in memory (in-memory bus, a temp folder store and database) and a client for its API,
/// which holds the admin key; <see cref="ClientWith"/> makes clients with the other roles' keys, or none.
/// </summary>
public sealed class OrchestratorApi : IDisposable
{
    /// <summary>One key per role, the role's name spelled out to the minimum length.</summary>
    public static readonly IReadOnlyDictionary<string, string> Keys = ApiRoles.All.ToDictionary(role => role, role => $"test-{role}-key-0123456789");

    private readonly TempDirectory _folder = new();
    // Any type of the orchestrator assembly locates its entry point.
    private readonly WebApplicationFactory<RunCoordinator> _factory;

    /// <param name="settings">Configuration on top of the test's (e.g. <c>Pipeline:Api:KeyFile</c>).</param>
    /// <param name="kestrel">Serve on a real port of 127.0.0.1 (<see cref="Address"/>), for clients in other processes.</param>
    /// <param name="services">Services on top of the orchestrator's (e.g. an exporter that collects its spans).</param>
    public OrchestratorApi(IReadOnlyDictionary<string, string?>? settings = null, bool kestrel = false, Action<IServiceCollection>? services = null)
    {
        _factory = new WebApplicationFactory<RunCoordinator>().WithWebHostBuilder(host =>
        {
            Configure(host, _folder);
            foreach (var (name, value) in settings ?? new Dictionary<string, string?>())
                host.UseSetting(name, value);
            if (services is not null)
                host.ConfigureServices(services);
            // A free port of its own: UseKestrel(0) on a factory made by WithWebHostBuilder still binds the default 5000,
            // which another test host may hold.
            if (kestrel)
                host.UseSetting(WebHostDefaults.ServerUrlsKey, "http://127.0.0.1:0");
        });
        if (kestrel)
        {
            _factory.UseKestrel();
            _factory.StartServer();
        }
        Client = ClientWith(Keys[ApiRoles.Admin]);
    }

    /// <summary>What every test host of the orchestrator needs: a store and a database in <paramref name="folder"/>, and <see cref="Keys"/>.</summary>
    public static void Configure(IWebHostBuilder host, TempDirectory folder)
    {
        host.UseSetting("Pipeline:Store:Root", folder.Combine("objects"))
            .UseSetting("Pipeline:Orchestrator:Database", $"Data Source={folder.Combine("runs.db")}");
        foreach (var (role, index) in ApiRoles.All.Select((role, index) => (role, index)))
            host.UseSetting($"Pipeline:Api:Keys:{index}:Key", Keys[role]).UseSetting($"Pipeline:Api:Keys:{index}:Role", role);
    }

    public HttpClient Client { get; }

    /// <summary>Where a Kestrel-served API listens.</summary>
    public Uri Address => new(_factory.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());

    /// <summary>A client that sends <paramref name="key"/> as its bearer token, or no Authorization header when null.</summary>
    public HttpClient ClientWith(string? key)
    {
        var client = _factory.CreateClient();
        if (key is not null)
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    public T Service<T>() where T : notnull => _factory.Services.GetRequiredService<T>();

    public IObjectStore Store => Service<IObjectStore>();

    public void Dispose()
    {
        Client.Dispose();
        _factory.Dispose();
        _folder.Dispose();
    }
}
