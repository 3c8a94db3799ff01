using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Pipeline.Hosting;
using Pipeline.Orchestrator;
using Pipeline.Orchestrator.Api.Security;
using Pipeline.Storage;

namespace Pipeline.Tests.Deployment;

/// <summary>docker-compose.yml (it cannot run here: no Docker engine), read once per class: resolved by docker-compose
/// 1.29's <c>config</c> with .env.example's values, and as written. For the latter, PyYAML reads the file itself (it
/// resolves anchors and merge keys as Compose does): 1.29.2's <c>config --no-interpolate</c> crashes on healthcheck
/// durations (TypeError in serialize_ns_time_value).</summary>
public sealed class ComposeConfigFixture
{
    public JsonElement Resolved { get; } = DeploymentTools.ComposeConfigJson();
    public JsonElement Raw { get; } = DeploymentTools.YamlToJson(DeploymentTools.ReadRepoFile("docker-compose.yml"));

    public JsonElement Service(string name, bool raw = false)
    {
        Assert.True((raw ? Raw : Resolved).GetProperty("services").TryGetProperty(name, out var service), $"docker-compose.yml has no service '{name}'.");
        return service;
    }

    public IEnumerable<(string Name, JsonElement Service)> Services() =>
        Resolved.GetProperty("services").EnumerateObject().Select(property => (property.Name, property.Value));

    public static Dictionary<string, string> Environment(JsonElement service) =>
        service.TryGetProperty("environment", out var environment)
            ? environment.EnumerateObject().ToDictionary(variable => variable.Name, variable => variable.Value.ToString())
            : [];
}

public sealed partial class DockerComposeTests(ComposeConfigFixture compose) : IClassFixture<ComposeConfigFixture>
{
    private static readonly string[] PipelineServices = ["orchestrator", "preprocessor", "trainer", "evaluator"];

    /// <summary>What every pipeline service must be given, with the value where the deployment fixes it.</summary>
    private static readonly Dictionary<string, string?> CommonEnvironment = new()
    {
        ["Pipeline__Bus__Transport"] = "RabbitMq",
        ["Pipeline__Bus__RabbitMq__Host"] = "rabbitmq",
        ["Pipeline__Bus__RabbitMq__Port"] = "5672",
        ["Pipeline__Bus__RabbitMq__Username"] = null,
        ["Pipeline__Bus__RabbitMq__Password"] = null,
        ["Pipeline__Store__Provider"] = "S3",
        ["Pipeline__Store__S3__Endpoint"] = "http://minio:9000",
        ["Pipeline__Store__S3__Bucket"] = null,
        ["Pipeline__Store__S3__AccessKey"] = null,
        ["Pipeline__Store__S3__SecretKey"] = null,
        ["Pipeline__Store__S3__UseSsl"] = "false",
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://jaeger:4317",
        ["ASPNETCORE_URLS"] = "http://+:8080",
    };

    [Fact]
    public void Every_pipeline_service_gets_the_configuration_keys_the_code_reads()
    {
        foreach (var name in PipelineServices)
        {
            var environment = ComposeConfigFixture.Environment(compose.Service(name));
            foreach (var (key, expected) in CommonEnvironment)
            {
                Assert.True(environment.TryGetValue(key, out var value), $"{name} lacks {key}.");
                if (expected is not null)
                    Assert.True(expected == value, $"{name}: {key} is '{value}', expected '{expected}'.");
                Assert.False(string.IsNullOrWhiteSpace(value), $"{name}: {key} is empty.");
            }
            var extra = environment.Keys.Where(key => key.StartsWith("Pipeline__", StringComparison.Ordinal) && !CommonEnvironment.ContainsKey(key));
            var allowed = name switch
            {
                "orchestrator" => ["Pipeline__Orchestrator__Database", "Pipeline__Api__Keys__0__Key", "Pipeline__Api__Keys__0__Role"],
                "trainer" => new[] { "Pipeline__Trainer__Threads" },
                _ => [],
            };
            Assert.True(extra.Order().SequenceEqual(allowed.Order()), $"{name} has Pipeline keys [{string.Join(", ", extra)}], expected [{string.Join(", ", allowed)}].");
        }

        var trainer = ComposeConfigFixture.Environment(compose.Service("trainer"));
        Assert.True(int.TryParse(trainer["Pipeline__Trainer__Threads"], out var threads) && threads > 0, "Pipeline__Trainer__Threads is not a positive number.");
    }

    [Fact]
    public void The_keys_bind_to_the_options_the_services_read()
    {
        // The environment-variable provider turns __ into ':'; a misspelt key would leave the default in place.
        var orchestrator = ComposeConfigFixture.Environment(compose.Service("orchestrator"));
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(orchestrator.Select(pair => KeyValuePair.Create(pair.Key.Replace("__", ":"), (string?)pair.Value)))
            .Build();
        var variables = DeploymentTools.EnvExampleVariables();

        var bus = configuration.GetSection(BusOptions.Section).Get<BusOptions>()!;
        Assert.Equal(BusTransport.RabbitMq, bus.Transport);
        Assert.Equal(("rabbitmq", (ushort)5672, variables["RABBITMQ_USER"], variables["RABBITMQ_PASSWORD"]),
            (bus.RabbitMq.Host, bus.RabbitMq.Port, bus.RabbitMq.Username, bus.RabbitMq.Password));

        var store = configuration.GetSection(StoreOptions.Section).Get<StoreOptions>()!;
        Assert.Equal(StoreProvider.S3, store.Provider);
        Assert.Equal(("http://minio:9000", variables["S3_BUCKET"], variables["S3_ACCESS_KEY"], variables["S3_SECRET_KEY"], false),
            (store.S3.Endpoint, store.S3.Bucket, store.S3.AccessKey, store.S3.SecretKey, store.S3.UseSsl));

        var runs = configuration.GetSection(OrchestratorOptions.Section).Get<OrchestratorOptions>()!;
        Assert.Equal("Data Source=/data/runs.db", runs.Database);
        Assert.False(runs.InProcessWorkers);
        var api = configuration.GetSection(ApiOptions.Section).Get<ApiOptions>()!;
        Assert.Equal((variables["PIPELINE_API_KEY"], ApiRoles.Admin), (Assert.Single(api.Keys).Key, api.Keys[0].Role));
        // The run database lives on a named volume, not in the container.
        var volumes = compose.Service("orchestrator").GetProperty("volumes").EnumerateArray().Select(volume => volume.GetString()!);
        Assert.Contains(volumes, volume => volume.StartsWith("orchestrator-data:/data", StringComparison.Ordinal));
        Assert.True(compose.Resolved.GetProperty("volumes").TryGetProperty("orchestrator-data", out _));
    }

    [Fact]
    public void Every_pipeline_service_is_health_checked_on_its_ready_endpoint()
    {
        foreach (var name in PipelineServices)
        {
            Assert.True(compose.Service(name).TryGetProperty("healthcheck", out var healthcheck), $"{name} has no healthcheck.");
            var test = healthcheck.GetProperty("test").EnumerateArray().Select(part => part.GetString()!).ToArray();
            Assert.Equal(["CMD", "healthcheck", "/health/ready"], test);
        }
        Assert.Equal(["CMD", "rabbitmq-diagnostics", "-q", "ping"],
            compose.Service("rabbitmq").GetProperty("healthcheck").GetProperty("test").EnumerateArray().Select(part => part.GetString()!).ToArray());
        Assert.True(compose.Service("minio").TryGetProperty("healthcheck", out _), "minio has no healthcheck.");
    }

    [Fact]
    public void Services_start_once_what_they_need_is_ready()
    {
        foreach (var name in PipelineServices)
        {
            var dependencies = DependsOn(compose.Service(name));
            Assert.Equal("service_healthy", dependencies.GetValueOrDefault("rabbitmq"));
            Assert.Equal("service_completed_successfully", dependencies.GetValueOrDefault("minio-init"));
        }
        // The workers' queues must exist before the orchestrator publishes its first command.
        var orchestrator = DependsOn(compose.Service("orchestrator"));
        foreach (var worker in new[] { "preprocessor", "trainer", "evaluator" })
            Assert.Equal("service_healthy", orchestrator.GetValueOrDefault(worker));
        Assert.Equal("service_healthy", DependsOn(compose.Service("minio-init")).GetValueOrDefault("minio"));

        // A service waited on as healthy has a healthcheck; one waited on as completed is a one-shot.
        foreach (var (name, service) in compose.Services())
        {
            foreach (var (dependency, condition) in DependsOn(service))
            {
                var target = compose.Service(dependency);
                if (condition == "service_healthy")
                    Assert.True(target.TryGetProperty("healthcheck", out _), $"{name} waits for {dependency} to be healthy, which has no healthcheck.");
                if (condition == "service_completed_successfully")
                    Assert.Equal("no", target.GetProperty("restart").GetString());
            }
        }
    }

    [Fact]
    public void The_trainer_reserves_an_nvidia_gpu_and_can_be_scaled()
    {
        var trainer = compose.Service("trainer");
        var device = Assert.Single(trainer.GetProperty("deploy").GetProperty("resources").GetProperty("reservations").GetProperty("devices").EnumerateArray());
        Assert.Equal("nvidia", device.GetProperty("driver").GetString());
        Assert.Equal(1, device.GetProperty("count").GetInt32());
        Assert.Contains("gpu", device.GetProperty("capabilities").EnumerateArray().Select(capability => capability.GetString()));

        // `--scale trainer=4` needs replicas without a fixed name or host port.
        foreach (var name in PipelineServices)
            Assert.False(compose.Service(name).TryGetProperty("container_name", out _), $"{name} has a fixed container_name.");
        Assert.False(trainer.TryGetProperty("ports", out _), "the trainer publishes a port.");
    }

    [Fact]
    public void Only_the_orchestrator_publishes_a_port_and_every_published_port_is_on_loopback()
    {
        foreach (var (name, service) in compose.Services())
        {
            if (!service.TryGetProperty("ports", out var ports))
                continue;
            foreach (var port in ports.EnumerateArray())
            {
                var (hostIp, published, target) = Port(port);
                Assert.True(hostIp == "127.0.0.1", $"{name} publishes {published} on '{hostIp}', not 127.0.0.1.");
                if (PipelineServices.Contains(name))
                    Assert.True(name == "orchestrator" && published == "8080" && target == "8080", $"{name} publishes {published}:{target}.");
            }
        }
        Assert.True(compose.Service("orchestrator").TryGetProperty("ports", out _), "the orchestrator's API is not published.");
    }

    [Fact]
    public void Secrets_come_from_required_variables_never_from_the_file()
    {
        var required = RequiredVariable();
        var checkedValues = 0;
        foreach (var (name, _) in compose.Services())
        {
            var raw = ComposeConfigFixture.Environment(compose.Service(name, raw: true));
            var resolved = ComposeConfigFixture.Environment(compose.Service(name));
            foreach (var (key, value) in raw.Where(pair => SecretKey().IsMatch(pair.Key)))
            {
                if (name == "grafana" && key == "GF_SECURITY_ADMIN_USER")
                    continue; // Grafana's user name is "admin"; its password is the secret
                var match = required.Match(value);
                Assert.True(match.Success, $"{name}: {key} is '{value}', not a required ${{VARIABLE:?...}}.");
                Assert.Equal(DeploymentTools.EnvExampleVariables()[match.Groups[1].Value], resolved[key]);
                checkedValues++;
            }
        }
        // 4 pipeline services x 4, the API key, rabbitmq 2, minio 2, minio-init 4, grafana 1.
        Assert.True(checkedValues >= 26, $"only {checkedValues} secret values found: has the file changed shape?");

        Assert.Contains(".env", File.ReadAllLines(Path.Combine(DeploymentTools.RepoRoot, ".gitignore")));
        Assert.Contains(".env", File.ReadAllLines(Path.Combine(DeploymentTools.RepoRoot, ".dockerignore")));
    }

    [Fact]
    public void Without_an_env_file_the_config_is_refused_and_the_missing_variable_named()
    {
        using var folder = new TempDirectory();
        var empty = folder.Combine("empty.env");
        File.WriteAllText(empty, "");

        var config = DeploymentTools.ComposeConfig(empty, "-q");

        Assert.NotEqual(0, config.ExitCode);
        Assert.Matches(@"set [A-Z_]+ in \.env \(cp \.env\.example \.env\)", config.Stderr);
    }

    [Fact]
    public void Every_image_is_built_from_a_dockerfile_stage_that_exists()
    {
        var built = 0;
        foreach (var (name, service) in compose.Services())
        {
            if (!service.TryGetProperty("build", out var build))
                continue;
            built++;
            var dockerfile = Path.Combine(build.GetProperty("context").GetString()!, build.GetProperty("dockerfile").GetString()!);
            Assert.True(File.Exists(dockerfile), $"{name}: {dockerfile} does not exist.");
            var stages = DockerfileStages(File.ReadAllText(dockerfile));
            var target = build.GetProperty("target").GetString()!;
            Assert.True(stages.TryGetValue(target, out var stage), $"{name}: {dockerfile} has no stage '{target}'.");

            var project = build.GetProperty("args").GetProperty("SERVICE").GetString()!;
            Assert.True(File.Exists(Path.Combine(DeploymentTools.RepoRoot, "services", project, $"{project}.csproj")), $"{name}: no project services/{project}.");
            Assert.Contains($"ENTRYPOINT [\"dotnet\", \"Pipeline.{project}.dll\"]", stage);
        }
        Assert.Equal(PipelineServices.Length, built);

        var trainer = compose.Service("trainer").GetProperty("build");
        Assert.Equal("cuda-12.8", trainer.GetProperty("args").GetProperty("LIBTORCH_FLAVOR").GetString());
        var recipe = DeploymentTools.ReadRepoFile("infra/docker/Dockerfile");
        Assert.Matches(@"ARG CUDA_IMAGE=nvidia/cuda:12\.8\.\d+-cudnn-runtime-ubuntu24\.04", recipe);
        Assert.StartsWith("FROM ${CUDA_IMAGE} AS trainer", DockerfileStages(recipe)["trainer"]);
        Assert.Contains("fonts-dejavu-core", DockerfileStages(recipe)["evaluator"]);
        Assert.Contains("dotnet publish", DockerfileStages(recipe)["build"]);
        Assert.Contains("-p:LibTorchFlavor=\"$LIBTORCH_FLAVOR\"", DockerfileStages(recipe)["build"]);
        Assert.False(compose.Service("orchestrator").GetProperty("build").GetProperty("args").TryGetProperty("LIBTORCH_FLAVOR", out _));
    }

    [Fact]
    public void Every_file_mounted_from_the_repository_exists()
    {
        var mounts = 0;
        foreach (var (name, service) in compose.Services())
        {
            if (!service.TryGetProperty("volumes", out var volumes))
                continue;
            foreach (var volume in volumes.EnumerateArray().Select(volume => volume.GetString()!))
            {
                var source = volume.Split(':')[0];
                if (!source.StartsWith('/'))
                    continue; // a named volume
                Assert.StartsWith(DeploymentTools.RepoRoot, source + "/");
                Assert.True(File.Exists(source) || Directory.Exists(source), $"{name} mounts {source}, which does not exist.");
                mounts++;
            }
        }
        Assert.True(mounts >= 6, $"only {mounts} files mounted from the repository.");
    }

    [Fact]
    public void The_build_context_leaves_out_build_outputs_local_stores_and_secrets()
    {
        var ignored = File.ReadAllLines(Path.Combine(DeploymentTools.RepoRoot, ".dockerignore"));
        foreach (var pattern in new[] { "**/bin", "**/obj", "**/node_modules", "**/TestResults", ".pipeline", ".build", ".git", ".env" })
            Assert.Contains(pattern, ignored);
    }

    private static Dictionary<string, string> DependsOn(JsonElement service) =>
        service.TryGetProperty("depends_on", out var dependsOn)
            ? dependsOn.EnumerateObject().ToDictionary(dependency => dependency.Name, dependency => dependency.Value.GetProperty("condition").GetString()!)
            : [];

    /// <summary>docker-compose 1.29 prints "127.0.0.1:8080:8080/tcp"; the Compose spec's long form has host_ip.</summary>
    private static (string? HostIp, string Published, string Target) Port(JsonElement port)
    {
        if (port.ValueKind == JsonValueKind.Object)
            return (port.TryGetProperty("host_ip", out var ip) ? ip.GetString() : null,
                port.GetProperty("published").ToString(), port.GetProperty("target").ToString());
        var parts = port.GetString()!.Split('/')[0].Split(':');
        return parts.Length == 3 ? (parts[0], parts[1], parts[2]) : (null, parts[0], parts[^1]);
    }

    /// <summary>Stage name -> its text from its FROM line on.</summary>
    private static Dictionary<string, string> DockerfileStages(string dockerfile)
    {
        var starts = StageStart().Matches(dockerfile).ToList();
        return starts.Select((match, i) => (match.Groups[1].Value,
                dockerfile[match.Index..(i + 1 < starts.Count ? starts[i + 1].Index : dockerfile.Length)]))
            .ToDictionary(stage => stage.Item1, stage => stage.Item2);
    }

    private static Regex RequiredVariable() => RequiredVariablePattern();

    [GeneratedRegex(@"^\$\{([A-Z_][A-Z0-9_]*):\?[^}]+\}$")]
    private static partial Regex RequiredVariablePattern();

    [GeneratedRegex(@"PASSWORD|_PASS$|Password|SecretKey|SECRET_KEY|AccessKey|ACCESS_KEY|Username|_USER$|__Key$")]
    private static partial Regex SecretKey();

    [GeneratedRegex(@"^FROM \S+ AS (\S+)$", RegexOptions.Multiline)]
    private static partial Regex StageStart();
}
