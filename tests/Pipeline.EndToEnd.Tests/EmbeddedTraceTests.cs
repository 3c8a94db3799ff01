using System.Text.Json;
using Pipeline.Testing.Otlp;

namespace Pipeline.EndToEnd.Tests;

[Collection(EndToEndCollection.Name)]
[Trait("Category", "Tracing")]
public sealed class EmbeddedTraceTests(FashionMnistFixture data)
{
    [Fact]
    public async Task An_embedded_run_is_one_trace_from_the_clis_submit_through_every_stage_and_epoch()
    {
        var run = await data.TrainedRunAsync();
        using var summary = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(run.RunFolder, "report", "summary.json")));
        var traceId = summary.RootElement.GetProperty("traceId").GetString()!;

        var trace = await data.Telemetry.TraceAsync(traceId, spans => spans.Any(span => span.Name == "run report"), TimeSpan.FromSeconds(10));

        var byId = trace.ToDictionary(span => span.SpanId);
        // The trace starts where the CLI sends SubmitRun; every stage's work descends, without a gap, from the run's submit.
        var root = Assert.Single(trace, span => span.ParentSpanId == "");
        var submit = Assert.Single(trace, span => span.Name == "run submit");
        Assert.Equal(root.SpanId, submit.Ancestors(byId)[^1].SpanId);
        Assert.All(trace, span => Assert.Equal("pipeline", span.Service));
        foreach (var stage in new[] { "preprocess", "train", "evaluate" })
        {
            var ancestors = Assert.Single(trace, span => span.Name == $"{stage} run").Ancestors(byId);
            Assert.Contains(ancestors, span => span.SpanId == submit.SpanId);
            Assert.Equal(root.SpanId, ancestors[^1].SpanId);
        }
        Assert.Equal([1, 2], trace.Where(span => span.Name == "epoch").Select(span => int.Parse(span.Attribute("pipeline.epoch")!)).Order());
        // Nothing of the run went to another trace.
        Assert.All(data.Telemetry.Spans.Where(span => span.Attribute("pipeline.run_id") == run.RunId), span => Assert.Equal(traceId, span.TraceId));
    }
}
