using System.Text.RegularExpressions;
using Pipeline.Testing;
using Pipeline.Testing.Otlp;

namespace Pipeline.Cluster.Tests.Tracing;

/// <summary>
/// The deployment as `cluster up` starts it, every service exporting OTLP to its Aspire Dashboard, whose API the test
/// reads the trace from; one run through it, with the preprocessor killed half-way and replaced.
/// </summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "Cluster")]
[Trait("Category", "Tracing")]
public sealed class RunTraceTests(ClusterFixture cluster)
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(5);
    private static readonly string[] Services = ["evaluator", "orchestrator", "preprocessor", "trainer"];

    [Fact]
    public async Task A_run_is_one_trace_across_the_four_services_in_parent_child_order_through_a_redelivered_command()
    {
        using var dashboard = new AspireDashboardTraces(cluster.DashboardUrl);
        await ClusterRuns.UploadAsync(cluster, "traced");
        var replaced = false;
        try
        {
            await cluster.RestartAsync("preprocessor", 1, "PIPELINE_FAILPOINTS=preprocess.midDataset");
            var killed = cluster.Process("preprocessor");

            var runId = await ClusterRuns.SubmitAsync(cluster, ClusterRuns.Spec("traced", seed: 67));
            await WaitUntilAsync(() => !ProcFs.IsRunning(killed.Pid), "the preprocessor to kill itself half-way through the dataset");
            // RabbitMQ gives the unacknowledged command to the next preprocessor: the retry must continue the same trace.
            await cluster.RestartAsync("preprocessor");
            replaced = true;
            var run = await ClusterRuns.WaitAsync(cluster, runId, RunTimeout);
            Assert.Equal("Completed", run.GetProperty("state").GetString());
            var traceId = run.GetProperty("traceId").GetString()!;

            // Exporters send every five seconds by default.
            var trace = await dashboard.TraceAsync(traceId, spans => Services.All(service => spans.Any(span => span.Service == service))
                && spans.Any(span => span.Name == "evaluate run") && spans.Any(span => span.Name == "run report"), TimeSpan.FromSeconds(60));

            Assert.Equal(Services, trace.Select(span => span.Service).Distinct().Order(StringComparer.Ordinal));
            var byId = trace.ToDictionary(span => span.SpanId);
            var request = Assert.Single(trace, span => span.ParentSpanId == "");
            Assert.Equal(("orchestrator", "POST"), (request.Service, request.Attribute("http.request.method")));
            var submit = Assert.Single(trace, span => span.Name == "run submit");
            Assert.Equal(request.SpanId, submit.ParentSpanId);
            foreach (var stage in new[] { "preprocess", "train", "evaluate" })
            {
                // Every stage's work descends, without a gap, from a command the orchestrator's outbox sent as a child of the run.
                var work = Assert.Single(trace, span => span.Name == $"{stage} run");
                Assert.Equal((runId, stage), (work.Attribute("pipeline.run_id"), work.Attribute("pipeline.stage")));
                var ancestors = work.Ancestors(byId);
                Assert.Equal(request.SpanId, ancestors[^1].SpanId);
                Assert.Contains(ancestors, span => span is { Name: "outbox send", Service: "orchestrator" } && span.ParentSpanId == submit.SpanId);
            }
            Assert.Contains(trace, span => span.Name == "preprocess decode" && byId[span.ParentSpanId].Name == "preprocess chunk"
                                           && byId[byId[span.ParentSpanId].ParentSpanId].Name == "preprocess run" && span.Attribute("pipeline.images") is not null);
            Assert.Contains(trace, span => span.Name == "epoch" && byId[span.ParentSpanId].Name == "train run"
                                           && span.Attribute("pipeline.validation.accuracy") is not null && span.Attribute("pipeline.trial_id") == "t1");
            Assert.Contains(trace, span => span.Name == "validation" && byId[span.ParentSpanId].Name == "train run");
            Assert.Contains(trace, span => span.Name == "evaluation" && byId[span.ParentSpanId].Name == "evaluate run");
            Assert.Contains(trace, span => span.Name.StartsWith("object store ", StringComparison.Ordinal) && span.Service == "trainer");
            // MassTransit binds its meter to the first host of a process: its metrics are checked here, on a real service,
            // rather than by the unit test, whose process has seen many hosts come and go.
            Assert.Matches(new Regex("^messaging_masstransit_send_ea_total[{ ]", RegexOptions.Multiline), await cluster.Http.GetStringAsync("/metrics"));
            // Queue backlog comes from RabbitMQ's own plugin: every metric of it that the Grafana dashboard queries is there.
            using var scraper = new HttpClient(new SocketsHttpHandler { UseProxy = false });
            var rabbitMetrics = await scraper.GetStringAsync(cluster.RabbitMqMetricsUrl);
            var queried = GrafanaDashboard.QueriedMetrics().Where(metric => metric.StartsWith("rabbitmq_", StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(queried);
            Assert.All(queried, metric => Assert.Matches(new Regex($"^{metric}[{{ ]", RegexOptions.Multiline), rabbitMetrics));
        }
        finally
        {
            if (!replaced)
                await cluster.RestartAsync("preprocessor");
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Waited two minutes for {what}.");
            await Task.Delay(200);
        }
    }
}
