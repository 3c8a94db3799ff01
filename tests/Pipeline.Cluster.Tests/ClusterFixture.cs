using System.Globalization;
using System.Text.Json;
using Pipeline.Testing;

namespace Pipeline.Cluster.Tests;

/// <summary>
/// One local deployment for the whole project: `./pipeline cluster up --trainers 3 --json` in a temp folder once, and
/// `cluster down` at the end. `--stop-with-pid` hands it to a watchdog as well, so that a test run that dies without
/// disposing this fixture (killed, hung and aborted) still leaves no broker, epmd, s3rver or service behind.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public const int Trainers = 3;

    /// <summary>Generous: a first `up` on a fresh machine also builds the CLI and installs rabbitmq-server and s3rver.</summary>
    public static readonly TimeSpan UpTimeout = TimeSpan.FromMinutes(10);

    public static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(3);

    public string Dir { get; } = Path.Combine(Path.GetTempPath(), "pipeline-cluster-tests", Guid.NewGuid().ToString("N")[..12]);

    /// <summary>The orchestrator's base URL, e.g. http://127.0.0.1:41234.</summary>
    public string ApiUrl { get; private set; } = "";

    /// <summary>Every process of the deployment (epmd, rabbitmq, s3rver, the services), as of the last start or stop.</summary>
    public IReadOnlyList<ClusterProcess> Processes { get; private set; } = [];

    /// <summary>The deployment's Aspire Dashboard, where every service exports its traces (its API reads them back).</summary>
    public string DashboardUrl { get; private set; } = "";

    /// <summary>The deployment's Prometheus, which scrapes every service and RabbitMQ's plugin.</summary>
    public string PrometheusUrl { get; private set; } = "";

    /// <summary>RabbitMQ's rabbitmq_prometheus plugin: queue backlog and rates.</summary>
    public string RabbitMqMetricsUrl { get; private set; } = "";

    /// <summary>A client of the API (BaseAddress is <see cref="ApiUrl"/>).</summary>
    public HttpClient Http { get; private set; } = null!;

    /// <summary>What `cluster up` printed, for tests that look at it.</summary>
    public CliResult Up { get; private set; } = null!;

    public string CredentialsFile => Path.Combine(Dir, "credentials.json");

    /// <summary>A small real dataset for runs on the deployment: Fashion-MNIST, 8 images per class (6/1/1 per split).</summary>
    public string DataDir => Path.Combine(Dir, "data", "fashion-mnist-8");

    public const int ImagesPerClass = 8;

    public ClusterProcess Process(string name, int index = 1) =>
        Processes.SingleOrDefault(p => p.Name == name && p.Index == index)
        ?? throw new InvalidOperationException($"The deployment has no {name} {index}: {string.Join(", ", Processes.Select(p => p.Id))}.");

    public async Task InitializeAsync()
    {
        Up = await PipelineCli.RunAsync(UpTimeout, "cluster", "up", "--dir", Dir, "--trainers", Trainers.ToString(CultureInfo.InvariantCulture),
            "--stop-with-pid", Environment.ProcessId.ToString(CultureInfo.InvariantCulture), "--json");
        if (Up.ExitCode != 0)
        {
            await DownAsync(); // `up` stops what it started when it fails; this is for an `up` that died half-way.
            throw new InvalidOperationException($"pipeline cluster up failed: {Up}");
        }
        var json = Up.Json();
        ApiUrl = json.GetProperty("apiUrl").GetString()!;
        // The tests' machine has both viewers (infra/scripts/install-deps.sh --test): a missing one is a failure here.
        DashboardUrl = json.GetProperty("dashboardUrl").GetString() ?? throw new InvalidOperationException($"cluster up started no Aspire Dashboard: {Up}");
        PrometheusUrl = json.GetProperty("prometheusUrl").GetString() ?? throw new InvalidOperationException($"cluster up started no Prometheus: {Up}");
        using (var description = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Dir, "cluster.json"))))
            RabbitMqMetricsUrl = description.RootElement.GetProperty("rabbitMq").GetProperty("metricsUrl").GetString()!;
        Processes = json.GetProperty("processes").EnumerateArray().Select(ClusterProcess.Of).ToList();
        // The CLI commands the tests start find the admin key through the environment they inherit, as a user's would.
        Environment.SetEnvironmentVariable("PIPELINE_API_KEY_FILE", json.GetProperty("apiKeyFile").GetString());
        Http = new HttpClient { BaseAddress = new Uri(ApiUrl), Timeout = TimeSpan.FromSeconds(30) };
        Http.DefaultRequestHeaders.Authorization = new("Bearer", json.GetProperty("apiKey").GetString());
        var data = await PipelineCli.RunAsync(CommandTimeout, "datasets", "fashion-mnist", DataDir, "--per-class", ImagesPerClass.ToString(CultureInfo.InvariantCulture));
        Assert.True(data.ExitCode == 0, data.ToString());
    }

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        var down = await DownAsync();
        // Keep the folder (logs) when something could not be stopped, so that it can be looked at.
        if (down.ExitCode == 0 && Directory.Exists(Dir))
            Directory.Delete(Dir, recursive: true);
    }

    /// <summary>Runs `pipeline cluster ARGS --dir DIR`.</summary>
    public Task<CliResult> ClusterAsync(params string[] args) => PipelineCli.RunAsync(CommandTimeout, ["cluster", .. args, "--dir", Dir]);

    public Task<CliResult> StatusAsync() => ClusterAsync("status", "--json");

    /// <summary>Stops one process (SIGTERM; with <paramref name="kill"/> SIGKILL, as a crash would).</summary>
    public async Task StopAsync(string name, int index = 1, bool kill = false)
    {
        var result = await ClusterAsync(kill ? ["stop", name, Text(index), "--kill"] : ["stop", name, Text(index)]);
        Assert.True(result.ExitCode == 0, result.ToString());
        await RefreshAsync();
    }

    /// <summary>
    /// Starts one process again with the same environment, port and data (plus <paramref name="environment"/>, KEY=VALUE
    /// pairs for this start only), and waits until it is ready.
    /// </summary>
    public async Task StartAsync(string name, int index = 1, params string[] environment)
    {
        var result = await ClusterAsync(["start", name, Text(index), .. environment.SelectMany(pair => new[] { "--env", pair })]);
        Assert.True(result.ExitCode == 0, result.ToString());
        await RefreshAsync();
    }

    /// <summary>Stops one process (SIGTERM) and starts it again, with <paramref name="environment"/> for this start only.</summary>
    public async Task RestartAsync(string name, int index = 1, params string[] environment)
    {
        await StopAsync(name, index);
        await StartAsync(name, index, environment);
    }

    private async Task RefreshAsync()
    {
        var status = await StatusAsync();
        Processes = status.Json().GetProperty("processes").EnumerateArray().Select(ClusterProcess.Of).ToList();
    }

    private Task<CliResult> DownAsync() => PipelineCli.RunAsync(CommandTimeout, "cluster", "down", "--dir", Dir);

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
