using System.Text.Json;
using Pipeline.Testing.Otlp;

namespace Pipeline.EndToEnd.Tests;

[Collection(EndToEndCollection.Name)]
[Trait("Category", "Tracing")]
public sealed class EmbeddedTraceTests(FashionMnistFixture data)
{
    [Fact]
    public async Task An_embedded_run_is_one_trace_from_the_clis_submit_through_every_stage_chunk_epoch_and_validation_pass()
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
        var epochs = trace.Where(span => span.Name == "epoch").ToDictionary(span => int.Parse(span.Attribute("pipeline.epoch")!));
        Assert.Equal([1, 2], epochs.Keys.Order());
        // One validation pass per epoch, a span of its own in the trainer's work, measuring what its epoch reports.
        var validations = trace.Where(span => span.Name == "validation").ToDictionary(span => int.Parse(span.Attribute("pipeline.epoch")!));
        Assert.Equal([1, 2], validations.Keys.Order());
        foreach (var (epoch, validation) in validations)
        {
            Assert.Equal("train run", byId[validation.ParentSpanId].Name);
            Assert.Equal(epochs[epoch].Attribute("pipeline.validation.accuracy"), validation.Attribute("pipeline.validation.accuracy"));
            Assert.Equal(epochs[epoch].Attribute("pipeline.validation.loss"), validation.Attribute("pipeline.validation.loss"));
        }
        // The images preprocessed together (one chunk) hold the decode pass and every shard write, and count what they kept.
        var chunk = Assert.Single(trace, span => span.Name == "preprocess chunk");
        Assert.Equal("preprocess run", byId[chunk.ParentSpanId].Name);
        Assert.Equal(chunk.SpanId, Assert.Single(trace, span => span.Name == "preprocess decode").ParentSpanId);
        Assert.All(trace.Where(span => span.Name == "shard write"), span => Assert.Equal(chunk.SpanId, span.ParentSpanId));
        Assert.Equal(int.Parse(chunk.Attribute("pipeline.files")!), int.Parse(chunk.Attribute("pipeline.images")!) + int.Parse(chunk.Attribute("pipeline.quarantined")!));
        Assert.Equal(Directory.EnumerateFiles(data.DataDir, "*", SearchOption.AllDirectories).Count(), int.Parse(chunk.Attribute("pipeline.images")!));
        // Nothing of the run went to another trace.
        Assert.All(data.Telemetry.Spans.Where(span => span.Attribute("pipeline.run_id") == run.RunId), span => Assert.Equal(traceId, span.TraceId));
    }
}
