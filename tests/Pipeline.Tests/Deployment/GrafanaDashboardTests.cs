using System.Text.Json;

namespace Pipeline.Tests.Deployment;

/// <summary>The Grafana dashboard (Grafana is not installable here: its structure is checked instead).</summary>
public sealed class GrafanaDashboardTests
{
    [Fact]
    public void The_dashboard_has_a_uid_a_title_and_panels_with_unique_ids_that_query_the_provisioned_prometheus()
    {
        var dashboard = GrafanaDashboard.Read();
        Assert.False(string.IsNullOrWhiteSpace(dashboard.GetProperty("uid").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(dashboard.GetProperty("title").GetString()));
        var panels = GrafanaDashboard.Panels().ToList();
        Assert.Equal(panels.Count, panels.Select(panel => panel.GetProperty("id").GetInt32()).Distinct().Count());
        var provisioned = DeploymentTools.YamlToJson(DeploymentTools.ReadRepoFile("infra/grafana/provisioning/datasources/datasources.yml"))
            .GetProperty("datasources").EnumerateArray().Select(source => source.GetProperty("uid").GetString()).ToHashSet();
        foreach (var panel in panels)
        {
            var title = panel.GetProperty("title").GetString();
            Assert.False(string.IsNullOrWhiteSpace(title));
            Assert.Equal("timeseries", panel.GetProperty("type").GetString());
            foreach (var position in new[] { "x", "y", "w", "h" })
                Assert.Equal(JsonValueKind.Number, panel.GetProperty("gridPos").GetProperty(position).ValueKind);
            Assert.Contains(panel.GetProperty("datasource").GetProperty("uid").GetString(), provisioned);
            var targets = panel.GetProperty("targets").EnumerateArray().ToList();
            Assert.True(targets.Count > 0, $"panel '{title}' has no query.");
            Assert.All(targets, target => Assert.False(string.IsNullOrWhiteSpace(target.GetProperty("expr").GetString())));
            Assert.Equal(targets.Count, targets.Select(target => target.GetProperty("refId").GetString()).Distinct().Count());
        }
    }

    [Fact]
    public void The_dashboard_shows_stage_durations_throughput_accuracy_queue_backlog_and_failures()
    {
        var titles = GrafanaDashboard.Panels().Select(panel => panel.GetProperty("title").GetString()!).ToList();

        foreach (var topic in new[] { "Stage durations", "Throughput", "Accuracy", "Queue backlog", "Failures" })
            Assert.Contains(titles, title => title.Contains(topic, StringComparison.OrdinalIgnoreCase));
        var queried = GrafanaDashboard.QueriedMetrics();
        Assert.Contains("pipeline_stage_duration_seconds_bucket", queried);
        Assert.Contains(queried, metric => metric.StartsWith("rabbitmq_queue_messages", StringComparison.Ordinal));
    }

    [Fact]
    public void Grafana_loads_the_dashboard_folder_that_compose_mounts()
    {
        var provider = Assert.Single(DeploymentTools.YamlToJson(DeploymentTools.ReadRepoFile("infra/grafana/provisioning/dashboards/dashboards.yml"))
            .GetProperty("providers").EnumerateArray());
        var path = provider.GetProperty("options").GetProperty("path").GetString();
        var grafana = DeploymentTools.ComposeConfigJson().GetProperty("services").GetProperty("grafana");

        Assert.Contains(grafana.GetProperty("volumes").EnumerateArray(), volume =>
            volume.ValueKind == JsonValueKind.Object
                ? volume.GetProperty("target").GetString() == path && volume.GetProperty("source").GetString()!.EndsWith("infra/grafana/dashboards", StringComparison.Ordinal)
                : volume.GetString()!.EndsWith($"infra/grafana/dashboards:{path}:ro", StringComparison.Ordinal));
    }
}
