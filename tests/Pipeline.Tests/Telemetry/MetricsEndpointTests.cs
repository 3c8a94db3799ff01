using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Pipeline.Runs;
using Pipeline.Telemetry;
using Pipeline.Tests.Orchestration;

namespace Pipeline.Tests.Telemetry;

[Trait("Category", "Tracing")]
[Collection(nameof(ProcessTelemetryCollection))]
public sealed class MetricsEndpointTests : IDisposable
{
    private readonly OrchestratorApi _api = new();

    public void Dispose() => _api.Dispose();

    [Fact]
    public async Task Every_pipeline_metric_the_dashboard_queries_is_on_the_metrics_endpoint_without_a_key()
    {
        // The orchestrator's own work: a submitted run (runs by state, object-store calls).
        using var body = new StringContent("""{ "dataset": "flowers", "training": { "backbone": "mlnet-resnet18", "epochs": 1 } }""",
            Encoding.UTF8, "application/json");
        Assert.Equal(HttpStatusCode.Accepted, (await _api.Client.PostAsync("/runs", body)).StatusCode);
        // The stages' measurements, recorded as the stages record them (the services share these instruments).
        var runId = Guid.NewGuid();
        PipelineMetrics.Decoded(usable: 9, quarantined: 1, TimeSpan.FromSeconds(0.5))?.Dispose();
        PipelineMetrics.Epoch(runId, "t1", new EpochRecord(1, 0.9, 0.6, 1.1, 0.5, 120, 2.5))?.Dispose();
        PipelineMetrics.Tested(runId, "t1", 0.55);
        PipelineMetrics.StageDuration.Record(3, new(PipelineTelemetry.StageTag, "train"), new("pipeline.outcome", "failed"));
        PipelineMetrics.ObjectStoreRetries.Add(1);
        using var anonymous = _api.ClientWith(null);

        var expected = GrafanaDashboard.QueriedMetrics().Where(ServedByThisProcess).ToList();
        var scraped = await ScrapeUntilAsync(anonymous, text => expected.All(metric => IsOn(text, metric)));

        var missing = expected.Where(metric => !IsOn(scraped, metric)).ToList();
        Assert.True(missing.Count == 0, $"not on /metrics: {string.Join(", ", missing)}\n{scraped}");
    }

    /// <summary>
    /// Not RabbitMQ's (its plugin serves them), nor MassTransit's: MassTransit binds its meter to the first host of a
    /// process, long gone when this test runs after others; the cluster's tracing test checks them on a real service.
    /// </summary>
    private static bool ServedByThisProcess(string metric) =>
        !metric.StartsWith("rabbitmq_", StringComparison.Ordinal) && !metric.StartsWith("messaging_masstransit_", StringComparison.Ordinal);

    private static bool IsOn(string scraped, string metric) => Regex.IsMatch(scraped, $@"^{Regex.Escape(metric)}[{{ ]", RegexOptions.Multiline);

    /// <summary>/metrics, until it shows everything (observable instruments are read at a scrape; the exporter caches briefly).</summary>
    private static async Task<string> ScrapeUntilAsync(HttpClient client, Func<string, bool> complete)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var response = await client.GetAsync("/metrics");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var text = await response.Content.ReadAsStringAsync();
            if (complete(text) || DateTime.UtcNow > deadline)
                return text;
            await Task.Delay(200);
        }
    }
}
