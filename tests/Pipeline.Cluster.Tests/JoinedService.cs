using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Pipeline.Testing;

namespace Pipeline.Cluster.Tests;

/// <summary>
/// One more service joined to the shared deployment by the test itself, with the variables `cluster env --services`
/// prints (as an operator adds a machine). It stays out of cluster.json, so the deployment's status is as the other
/// tests expect once it is gone. Its output is kept in memory; disposing kills it.
/// </summary>
public sealed class JoinedService : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(90);

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private int _disposed;

    private JoinedService(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, line) => Append(line.Data);
        process.ErrorDataReceived += (_, line) => Append(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>What the service wrote so far, stdout and stderr.</summary>
    public string Output
    {
        get
        {
            lock (_output)
                return _output.ToString();
        }
    }

    /// <summary>Starts <paramref name="service"/> (<c>preprocessor</c>, ...) with <paramref name="environment"/> (KEY=VALUE) on top, and waits until it is ready.</summary>
    public static async Task<JoinedService> StartAsync(ClusterFixture cluster, string service, params string[] environment)
    {
        var variables = await cluster.ClusterAsync("env", "--services");
        Assert.True(variables.ExitCode == 0, variables.ToString());
        var url = $"http://127.0.0.1:{FreePort()}";
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = cluster.Dir };
        start.ArgumentList.Add(Path.Combine(PipelineCli.RepoRoot, "cli", "Pipeline.Cli", "bin", "Release", "net10.0", $"Pipeline.{char.ToUpperInvariant(service[0])}{service[1..]}.dll"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(url);
        foreach (var pair in variables.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Concat(environment))
            start.Environment[pair[..pair.IndexOf('=')]] = pair[(pair.IndexOf('=') + 1)..];
        var joined = new JoinedService(Process.Start(start)!);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + ReadyTimeout;
        while (!await IsReadyAsync(http, url))
        {
            if (DateTime.UtcNow > deadline || joined._process.HasExited)
            {
                await joined.DisposeAsync();
                Assert.Fail($"The joined {service} was not ready within {ReadyTimeout}:\n{joined.Output}");
            }
            await Task.Delay(250);
        }
        return joined;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
            return;
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (_output)
            _output.AppendLine(line);
    }

    private static async Task<bool> IsReadyAsync(HttpClient http, string url)
    {
        try
        {
            using var response = await http.GetAsync($"{url}/health/ready");
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false; // not listening yet
        }
        catch (TaskCanceledException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
