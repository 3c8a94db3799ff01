using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using Pipeline.Contracts;
using Pipeline.Orchestrator.Api;
using Pipeline.Tests.Orchestration;

namespace Pipeline.Tests.Telemetry;

[Trait("Category", "Tracing")]
[Collection(nameof(ProcessTelemetryCollection))]
public sealed class RunTraceTests : IDisposable
{
    private readonly SpanCollector _spans = new();
    private readonly OrchestratorApi _api;

    public RunTraceTests() =>
        _api = new OrchestratorApi(services: services => services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddProcessor(_spans)));

    public void Dispose() => _api.Dispose();

    [Fact]
    public async Task A_posted_run_is_one_trace_from_the_request_to_the_stage_command_its_outbox_sends()
    {
        using var body = new StringContent("""{ "dataset": "flowers", "training": { "backbone": "mlnet-resnet18", "epochs": 1 } }""",
            Encoding.UTF8, "application/json");
        var posted = (await (await _api.Client.PostAsync("/runs", body)).Content.ReadFromJsonAsync<RunView>(PipelineJson.Options))!;

        Assert.Matches("^[0-9a-f]{32}$", posted.TraceId);
        var read = await _api.Client.GetFromJsonAsync<RunView>($"/runs/{posted.RunId}", PipelineJson.Options);
        Assert.Equal(posted.TraceId, read!.TraceId);
        var trace = await _spans.TraceAsync(posted.TraceId!, spans => spans.Any(IsMassTransitSend));
        var request = Assert.Single(trace, span => span.Source.Name == "Microsoft.AspNetCore" && span.ParentSpanId == default);
        var submit = Assert.Single(trace, span => span.DisplayName == "run submit");
        Assert.Equal(request.SpanId, submit.ParentSpanId);
        Assert.Equal(posted.RunId.ToString(), submit.GetTagItem("pipeline.run_id"));
        var send = Assert.Single(trace, span => span.DisplayName == "outbox send");
        Assert.Equal(submit.SpanId, send.ParentSpanId);
        Assert.Equal(posted.RunId.ToString(), send.GetTagItem("pipeline.run_id"));
        Assert.Contains(trace, span => IsMassTransitSend(span) && span.ParentSpanId == send.SpanId);
    }

    private static bool IsMassTransitSend(Activity span) => span.Source.Name == "MassTransit" && span.Kind == ActivityKind.Producer;
}
