using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Pipeline.Orchestrator.Runs;
using Pipeline.Tests.Orchestration;

namespace Pipeline.Tests.Deployment;

/// <summary>infra/docker/healthcheck.sh, the containers' health probe (bash's /dev/tcp: the .NET runtime images have no
/// curl), against the real orchestrator listening on a port.</summary>
public sealed class HealthcheckScriptTests : IDisposable
{
    private readonly TempDirectory _store = new();
    private readonly WebApplicationFactory<RunCoordinator> _factory;
    private readonly int _port = FreePort();

    public HealthcheckScriptTests()
    {
        _factory = new WebApplicationFactory<RunCoordinator>().WithWebHostBuilder(host => OrchestratorApi.Configure(host, _store));
        _factory.UseKestrel(options => options.Listen(IPAddress.Loopback, _port));
        _factory.StartServer();
    }

    public void Dispose()
    {
        _factory.Dispose();
        _store.Dispose();
    }

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public void The_probe_passes_when_the_service_answers_200(string path)
    {
        var probe = Probe(_port, path);

        Assert.True(probe.ExitCode == 0, $"healthcheck {path} failed: {probe.Stderr}");
    }

    [Fact]
    public void The_probe_fails_on_any_other_status()
    {
        // Every path but the health checks wants an API key, which the probe does not have.
        var probe = Probe(_port, "/health/nothing-here");

        Assert.Equal(1, probe.ExitCode);
        Assert.Contains("401", probe.Stderr);
    }

    [Fact]
    public void The_probe_fails_when_nothing_listens()
    {
        var probe = Probe(FreePort(), "/health/ready");

        Assert.Equal(1, probe.ExitCode);
        Assert.Contains("nothing listens", probe.Stderr);
    }

    private static ToolResult Probe(int port, string path) =>
        DeploymentTools.Run("bash", [Path.Combine(DeploymentTools.RepoRoot, "infra", "docker", "healthcheck.sh"), path], "bash is missing",
            new Dictionary<string, string?> { ["HEALTHCHECK_PORT"] = port.ToString() });

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
