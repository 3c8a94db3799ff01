using System.Globalization;
using System.Net;
using System.Runtime.Versioning;
using System.Text.Json;
using Pipeline.Testing;

namespace Pipeline.Cluster.Tests;

[Trait("Category", "Cluster")]
[Collection(ClusterCollection.Name)]
public sealed class DeploymentTests(ClusterFixture cluster)
{
    [Fact]
    public async Task Every_process_is_up_and_ready()
    {
        var status = await cluster.StatusAsync();

        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.True(status.Json().GetProperty("ready").GetBoolean(), status.ToString());
        Assert.Equal(
            ["dashboard-1", "epmd-1", "evaluator-1", "orchestrator-1", "preprocessor-1", "prometheus-1", "rabbitmq-1", "s3rver-1", "trainer-1", "trainer-2", "trainer-3"],
            cluster.Processes.Select(p => p.Id).Order(StringComparer.Ordinal));
        Assert.Equal(cluster.Process("orchestrator").Url, cluster.ApiUrl);
        foreach (var service in cluster.Processes.Where(p => p.Name is "orchestrator" or "preprocessor" or "trainer" or "evaluator"))
        {
            using var ready = await cluster.Http.GetAsync($"{service.Url}/health/ready");
            Assert.True(ready.StatusCode == HttpStatusCode.OK, $"{service.Id}: {ready.StatusCode} {await ready.Content.ReadAsStringAsync()}");
        }
        // Everything on the loopback interface, each on a port of its own.
        var endpoints = cluster.Processes.Where(p => p.Url is not null).Select(p => new Uri(p.Url!)).ToList();
        Assert.All(endpoints, uri => Assert.Equal("127.0.0.1", uri.Host));
        Assert.Equal(endpoints.Count, endpoints.Select(uri => uri.Port).Distinct().Count());
    }

    [Fact]
    [SupportedOSPlatform("linux")]
    public void Credentials_are_generated_and_only_the_owner_reads_them()
    {
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(cluster.CredentialsFile));
        using var document = JsonDocument.Parse(File.ReadAllText(cluster.CredentialsFile));
        var rabbit = document.RootElement.GetProperty("rabbitMq");
        Assert.NotEqual("guest", rabbit.GetProperty("username").GetString());
        Assert.True(rabbit.GetProperty("password").GetString()!.Length >= 32);
        Assert.Equal(new Uri(cluster.Process("rabbitmq").Url!).Port, rabbit.GetProperty("port").GetInt32());

        var s3 = document.RootElement.GetProperty("s3");
        Assert.Equal(cluster.Process("s3rver").Url, s3.GetProperty("endpoint").GetString());
        Assert.Equal("pipeline", s3.GetProperty("bucket").GetString());
        // s3rver knows this one key pair only, and the file says so.
        Assert.Equal("S3RVER", s3.GetProperty("accessKey").GetString());
        Assert.Contains("S3RVER/S3RVER", s3.GetProperty("note").GetString());
    }

    [Fact]
    [SupportedOSPlatform("linux")]
    public async Task The_API_wants_the_deployment_s_own_admin_key_which_only_the_owner_reads()
    {
        var json = cluster.Up.Json();
        var keyFile = json.GetProperty("apiKeyFile").GetString()!;
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
        Assert.Equal(json.GetProperty("apiKey").GetString(), File.ReadAllText(keyFile).Trim());
        Assert.True(json.GetProperty("apiKey").GetString()!.Length >= 32);

        using var anonymous = new HttpClient { BaseAddress = cluster.Http.BaseAddress };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/runs")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await cluster.Http.GetAsync("/runs")).StatusCode);

        var env = await cluster.ClusterAsync("env");
        Assert.Contains($"PIPELINE_API_KEY_FILE={keyFile}\n", env.Stdout);
    }

    [Fact]
    public void Each_process_logs_to_a_file_of_its_own()
    {
        var logs = Path.Combine(cluster.Dir, "logs");
        foreach (var process in cluster.Processes)
        {
            Assert.Equal(Path.Combine(logs, $"{process.Id}.log"), process.Log);
            Assert.True(File.Exists(process.Log), $"{process.Log} is missing");
        }
        // Besides the processes' logs, only the watchdog's (`--stop-with-pid`).
        Assert.Equal(
            cluster.Processes.Select(p => Path.GetFileName(p.Log)).Append("watchdog-1.log").Order(StringComparer.Ordinal),
            Directory.GetFiles(logs).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task RabbitMQ_runs_a_node_of_its_own_that_knows_only_the_deployment_s_user()
    {
        using var description = JsonDocument.Parse(File.ReadAllText(Path.Combine(cluster.Dir, "cluster.json")));
        var rabbit = description.RootElement.GetProperty("rabbitMq");
        var node = rabbit.GetProperty("nodeName").GetString()!;
        Assert.Matches("^pipeline-[0-9a-f]{12}@localhost$", node);
        Assert.Equal(node, ProcFs.Environment(cluster.Process("rabbitmq").Pid)["RABBITMQ_NODENAME"]);

        var users = await RabbitMqCtl.RunAsync(rabbit, "list_users", "--formatter", "json", "--quiet");
        using var credentials = JsonDocument.Parse(File.ReadAllText(cluster.CredentialsFile));
        Assert.Equal(
            [credentials.RootElement.GetProperty("rabbitMq").GetProperty("username").GetString()],
            JsonDocument.Parse(users).RootElement.EnumerateArray().Select(u => u.GetProperty("user").GetString()));
    }

    [Fact]
    public void Services_are_configured_by_their_environment_alone_and_trainers_share_the_cores()
    {
        var threads = Math.Max(1, Environment.ProcessorCount / ClusterFixture.Trainers).ToString(CultureInfo.InvariantCulture);
        foreach (var service in cluster.Processes.Where(p => p.Name is "orchestrator" or "preprocessor" or "trainer" or "evaluator"))
        {
            var environment = ProcFs.Environment(service.Pid);
            Assert.Equal("RabbitMq", environment["Pipeline__Bus__Transport"]);
            Assert.Equal("S3", environment["Pipeline__Store__Provider"]);
            Assert.Equal(cluster.Process("s3rver").Url, environment["Pipeline__Store__S3__Endpoint"]);
            Assert.Equal(cluster.Up.Json().GetProperty("otlpUrl").GetString(), environment["OTEL_EXPORTER_OTLP_ENDPOINT"]);
            if (service.Name == "trainer")
                Assert.Equal(threads, environment["Pipeline__Trainer__Threads"]);
            // dotnet, the service's dll, --urls and its URL: no settings on the command line.
            var commandLine = ProcFs.CommandLine(service.Pid);
            Assert.Equal(["--urls", service.Url!], commandLine.Skip(2));
        }
    }

    [Fact]
    [Trait("Category", "Tracing")]
    public async Task Prometheus_scrapes_every_service_and_RabbitMQ_and_the_dashboard_hears_from_every_service()
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        var expected = cluster.Processes.Where(p => p.Name is "orchestrator" or "preprocessor" or "trainer" or "evaluator")
            .Select(p => $"{p.Url}/metrics").Append(cluster.RabbitMqMetricsUrl).ToList();
        IReadOnlyDictionary<string, string> health = new Dictionary<string, string>();
        string[] resources = [];
        // Prometheus scrapes every five seconds, exporters send every few seconds: wait for a round of each.
        for (var deadline = DateTime.UtcNow.AddMinutes(1); DateTime.UtcNow < deadline; await Task.Delay(1000))
        {
            using (var targets = JsonDocument.Parse(await http.GetStringAsync($"{cluster.PrometheusUrl}/api/v1/targets")))
                health = targets.RootElement.GetProperty("data").GetProperty("activeTargets").EnumerateArray()
                    .ToDictionary(t => t.GetProperty("scrapeUrl").GetString()!, t => t.GetProperty("health").GetString()!);
            using (var heard = JsonDocument.Parse(await http.GetStringAsync($"{cluster.DashboardUrl}/api/telemetry/resources")))
                resources = heard.RootElement.EnumerateArray().Select(r => r.GetProperty("name").GetString()!).Distinct().Order(StringComparer.Ordinal).ToArray();
            if (expected.All(url => health.GetValueOrDefault(url) == "up") && resources.Length == 4)
                break;
        }

        Assert.All(expected, url => Assert.Equal((url, "up"), (url, health.GetValueOrDefault(url))));
        Assert.Equal(["evaluator", "orchestrator", "preprocessor", "trainer"], resources);
    }

    [Fact]
    public async Task Up_on_a_folder_that_is_up_is_refused_and_changes_nothing()
    {
        var again = await PipelineCli.RunAsync(ClusterFixture.CommandTimeout, "cluster", "up", "--dir", cluster.Dir, "--json");

        Assert.True(again.ExitCode == 2, again.ToString());
        Assert.Contains("already up", again.Json().GetProperty("error").GetString());
        Assert.Equal(0, (await cluster.StatusAsync()).ExitCode);
    }
}
