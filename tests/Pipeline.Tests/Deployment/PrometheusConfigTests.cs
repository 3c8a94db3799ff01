using System.Text.Json;

namespace Pipeline.Tests.Deployment;

/// <summary>infra/prometheus: the scrape configurations of the Docker deployment and of `pipeline cluster up`.</summary>
public sealed class PrometheusConfigTests
{
    private const string ConfigPath = "infra/prometheus/prometheus.yml";

    /// <param name="path">The Docker deployment's, or the one `pipeline cluster up` copies into its folder.</param>
    [Theory]
    [InlineData(ConfigPath)]
    [InlineData("infra/prometheus/cluster.yml")]
    public void Promtool_accepts_the_configuration(string path)
    {
        var check = DeploymentTools.Run(DeploymentTools.Promtool(), ["check", "config", path], "promtool could not run");

        Assert.True(check.ExitCode == 0, $"promtool check config failed:\n{check.Stdout}{check.Stderr}");
    }

    [Fact]
    public void Every_pipeline_service_is_scraped_on_8080_with_all_its_replicas_and_rabbitmq_on_15692()
    {
        var jobs = DeploymentTools.YamlToJson(DeploymentTools.ReadRepoFile(ConfigPath)).GetProperty("scrape_configs").EnumerateArray()
            .ToDictionary(job => job.GetProperty("job_name").GetString()!);

        foreach (var service in new[] { "orchestrator", "preprocessor", "trainer", "evaluator" })
        {
            Assert.True(jobs.TryGetValue(service, out var job), $"no scrape job '{service}'.");
            Assert.Equal("/metrics", job.GetProperty("metrics_path").GetString());
            // DNS discovery: one target per replica of a scaled service (a static target would reach one of them).
            var discovery = Assert.Single(job.GetProperty("dns_sd_configs").EnumerateArray());
            Assert.Equal([service], discovery.GetProperty("names").EnumerateArray().Select(name => name.GetString()));
            Assert.Equal("A", discovery.GetProperty("type").GetString());
            Assert.Equal(8080, discovery.GetProperty("port").GetInt32());
        }
        var rabbitmq = jobs["rabbitmq"].GetProperty("static_configs").EnumerateArray().SelectMany(config => config.GetProperty("targets").EnumerateArray());
        Assert.Equal(["rabbitmq:15692"], rabbitmq.Select(target => target.GetString()));
        Assert.Contains("rabbitmq_prometheus", DeploymentTools.ReadRepoFile("infra/rabbitmq/enabled_plugins"));
    }
}
