using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Pipeline.Contracts;
using Pipeline.Orchestrator.Api;
using Pipeline.Orchestrator.Runs;
using Pipeline.Storage;

namespace Pipeline.Tests.Orchestration;

public sealed class RunsApiTests : IDisposable
{
    private readonly OrchestratorApi _api = new();

    public void Dispose() => _api.Dispose();

    [Fact]
    public async Task A_valid_spec_is_accepted_and_can_be_read_back()
    {
        var response = await PostJson("""
            { "dataset": "flowers", "preprocessing": { "split": "80/10/10" }, "training": { "backbone": "mlnet-resnet18", "epochs": 3 } }
            """);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var run = (await response.Content.ReadFromJsonAsync<RunView>(PipelineJson.Options))!;
        Assert.Equal($"/runs/{run.RunId}", response.Headers.Location!.OriginalString);
        Assert.Equal(RunState.Preprocessing, run.State);

        var read = await _api.Client.GetFromJsonAsync<RunView>($"/runs/{run.RunId}", PipelineJson.Options);
        Assert.Equal(3, read!.Spec.Training.Epochs);
        Assert.Equal(80, read.Spec.Preprocessing.Split.Train);
        Assert.Equal("t1", Assert.Single(read.Trials).TrialId);
    }

    [Theory]
    [InlineData("""{ "dataset": "d", "training": { "backbone": "vgg16" } }""", "training.backbone", "unknown backbone 'vgg16'")]
    [InlineData("""{ "dataset": "d" }""", "training.weights", "needs weights")]
    [InlineData("""{ "dataset": "d", "training": { "backbone": "resnet50", "weights": "/dev/zero" } }""", "training.weights", "unknown weights '/dev/zero'")]
    [InlineData("""{ "dataset": "/etc", "training": { "backbone": "mlnet-resnet18" } }""", "dataset", "is not a dataset name")]
    [InlineData("""{ "dataset": "d", "training": { "backbone": "mlnet-resnet18", "epochs": 0 } }""", "training.epochs", "must be between 1 and 10000")]
    [InlineData("""{ "dataset": "d", "preprocessing": { "split": "90/20/10" }, "training": { "backbone": "mlnet-resnet18" } }""", "preprocessing.split", "add up to 100")]
    public async Task An_invalid_spec_gets_a_validation_problem_keyed_by_field(string body, string field, string expected)
    {
        var response = await PostJson(body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var messages = problem.RootElement.GetProperty("errors").GetProperty(field).EnumerateArray().Select(m => m.GetString()!);
        Assert.Contains(messages, message => message.Contains(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("{ not json")]
    [InlineData("""{ "training": { "backbone": "mlnet-resnet18" } }""")]
    [InlineData("""{ "dataset": "d", "preprocessing": { "split": "seventy" } }""")]
    [InlineData("""{ "dataset": "d", "training": { "mode": 1 } }""")]
    [InlineData("""{ "dataset": "d", "training": null }""")]
    public async Task A_malformed_body_gets_a_problem(string body)
    {
        var response = await PostJson(body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task An_unknown_run_is_a_404_problem()
    {
        var response = await _api.Client.GetAsync($"/runs/{Guid.NewGuid()}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Run not found", problem.RootElement.GetProperty("title").GetString());
    }

    private Task<HttpResponseMessage> PostJson(string json) =>
        _api.Client.PostAsync("/runs", new StringContent(json, Encoding.UTF8, "application/json"));

    [Fact]
    public async Task The_journal_holds_the_run_and_its_events_after_the_last_one_seen()
    {
        var run = (await (await PostJson("""{ "dataset": "flowers", "training": { "backbone": "mlnet-resnet18" } }"""))
            .Content.ReadFromJsonAsync<RunView>(PipelineJson.Options))!;
        var bus = _api.Service<MassTransit.IBus>();

        await bus.Publish(new PreprocessingProgressed(run.RunId, 10, 20));
        await bus.Publish(new DatasetPrepared(run.RunId, "prepared/f/manifest.json", "f", 2, 14, 3, 3, 0, false, new Dictionary<string, string>()));
        var page = await EventsAfter(run.RunId, 0, expected: 2);

        Assert.Equal(["PreprocessingProgressed", "DatasetPrepared"], page.RootElement.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("type").GetString()));
        Assert.Equal("Training", page.RootElement.GetProperty("run").GetProperty("state").GetString());
        var first = page.RootElement.GetProperty("events")[0].GetProperty("id").GetInt64();
        using var later = await EventsAfter(run.RunId, first, expected: 1);
        Assert.Equal(14, later.RootElement.GetProperty("events")[0].GetProperty("data").GetProperty("trainImages").GetInt32());
    }

    [Fact]
    public async Task Artifacts_of_a_run_are_listed_and_served_and_nothing_outside_it()
    {
        var run = (await (await PostJson("""{ "dataset": "flowers", "training": { "backbone": "mlnet-resnet18" } }"""))
            .Content.ReadFromJsonAsync<RunView>(PipelineJson.Options))!;
        await _api.Store.PutBytesAsync(ObjectKeys.TrialReport(run.RunId, "t1", "report.html"), "<html>ok</html>"u8.ToArray());
        await _api.Store.PutBytesAsync("datasets/secret/index.json", "TOP SECRET CONTENT"u8.ToArray());

        var paths = await _api.Client.GetFromJsonAsync<string[]>($"/runs/{run.RunId}/artifacts");
        var page = await _api.Client.GetAsync($"/runs/{run.RunId}/artifacts/trials/t1/report/report.html");
        var escape = await _api.Client.GetAsync($"/runs/{run.RunId}/artifacts/..%2F..%2Fdatasets%2Fsecret%2Findex.json");

        Assert.Contains("trials/t1/report/report.html", paths!);
        Assert.Contains("run.json", paths!);
        Assert.Equal(("text/html", "<html>ok</html>"), (page.Content.Headers.ContentType!.MediaType, await page.Content.ReadAsStringAsync()));
        // An escaped '/' stays part of one path segment, so the key is still inside the run's folder: not found, nothing leaked.
        Assert.Equal(HttpStatusCode.NotFound, escape.StatusCode);
        Assert.DoesNotContain("TOP SECRET CONTENT", await escape.Content.ReadAsStringAsync());
    }

    /// <summary>Polls the journal until it holds <paramref name="expected"/> events after <paramref name="after"/> (the bus delivers asynchronously).</summary>
    private async Task<JsonDocument> EventsAfter(Guid runId, long after, int expected)
    {
        for (var attempt = 0; ; attempt++)
        {
            var page = JsonDocument.Parse(await _api.Client.GetStringAsync($"/runs/{runId}/events?after={after}"));
            if (page.RootElement.GetProperty("events").GetArrayLength() >= expected || attempt == 100)
                return page;
            page.Dispose();
            await Task.Delay(50);
        }
    }
}
