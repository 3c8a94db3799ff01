using System.Diagnostics;
using System.Net.Http.Headers;
using Pipeline.Testing;

namespace Pipeline.EndToEnd.Tests;

/// <summary>A real `./pipeline serve` on a free port of 127.0.0.1 with a store of its own, and a client holding the admin key it made.</summary>
public sealed class ServedPipeline : IDisposable
{
    private const string ServingLine = "Serving the pipeline API on ";
    private readonly Process _process;

    private ServedPipeline(Process process, Uri address, string store)
    {
        _process = process;
        Address = address;
        Store = store;
        Http = new HttpClient { BaseAddress = address };
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", File.ReadAllText(KeyFile).Trim());
    }

    public Uri Address { get; }

    public string Store { get; }

    /// <summary>The admin key `serve` generated, as clients read it (<c>PIPELINE_API_KEY_FILE</c>).</summary>
    public string KeyFile => Path.Combine(Store, "api-key");

    /// <summary>Sends the admin key.</summary>
    public HttpClient Http { get; }

    /// <summary>What a client command needs to reach this server with the admin key.</summary>
    public IReadOnlyDictionary<string, string?> ClientEnvironment => new Dictionary<string, string?>
    {
        ["PIPELINE_SERVER"] = Address.ToString(),
        ["PIPELINE_API_KEY"] = null,
        ["PIPELINE_API_KEY_FILE"] = KeyFile,
    };

    /// <param name="settings">Environment variables for the server (e.g. <c>Pipeline__Api__RateLimit__Burst</c>).</param>
    public static async Task<ServedPipeline> StartAsync(string store, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var process = PipelineCli.Start(settings ?? new Dictionary<string, string?>(), "serve", "--urls", "http://127.0.0.1:0", "--store", store);
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        try
        {
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
                if (line.StartsWith(ServingLine, StringComparison.Ordinal))
                    return new ServedPipeline(process, new Uri(line[ServingLine.Length..].Split(' ')[0]), store);
        }
        catch (OperationCanceledException)
        {
        }
        process.Kill(entireProcessTree: true);
        throw new InvalidOperationException($"`pipeline serve` never said where it listens. stderr:\n{await stderr}");
    }

    public void Dispose()
    {
        Http.Dispose();
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
        _process.Dispose();
    }
}
