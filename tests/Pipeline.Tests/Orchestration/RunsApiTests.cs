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
    [InlineData("""{ "dataset": "d", "training": { "backbone": "mlnet-resnet18" }, "sweep": { "training.learningRate": [1e-3, 50] } }""", "sweep.training.learningRate", "below 10 (got 50)")]
    public async Task An_invalid_spec_gets_a_validation_problem_keyed_by_field(string body, string field, string expected)
    {
        var response = await PostJson(body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var messages = problem.RootElement.GetProperty("errors").GetProperty(field).EnumerateArray().Select(m => m.GetString()!);
        Assert.Contains(messages, message => message.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_sweep_is_one_run_with_a_trial_per_combination()
    {
        var response = await PostJson("""
            { "dataset": "flowers", "training": { "backbone": "mlnet-resnet18" }, "sweep": { "training.mode": ["transfer", "finetune"], "training.epochs": [1, 2, 3] } }
            """);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var run = (await response.Content.ReadFromJsonAsync<RunView>(PipelineJson.Options))!;
        Assert.Equal(["t1", "t2", "t3", "t4", "t5", "t6"], run.Trials.Select(t => t.TrialId));
        Assert.Equal([1, 2, 3], run.Spec.Sweep!["training.epochs"].Select(value => value.GetInt32()));
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

    private Task<HttpResponseMessage> PostJson(string json, string? idempotencyKey = null) => _api.Client.SendAsync(Post(json, idempotencyKey));

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

    private const string FlowersSpec = """{ "dataset": "flowers", "training": { "backbone": "mlnet-resnet18" } }""";

    [Fact]
    public async Task The_same_idempotency_key_and_body_return_the_original_run_and_another_body_is_refused()
    {
        var first = await PostJson(FlowersSpec, idempotencyKey: "retry-1");
        var again = await PostJson(FlowersSpec, idempotencyKey: "retry-1");
        var other = await PostJson("""{ "dataset": "tulips", "training": { "backbone": "mlnet-resnet18" } }""", idempotencyKey: "retry-1");
        using var submitter = _api.ClientWith(OrchestratorApi.Keys[Orchestrator.Api.Security.ApiRoles.Submit]);
        var someoneElse = await submitter.SendAsync(Post(FlowersSpec, "retry-1"));

        Assert.Equal((HttpStatusCode.Accepted, HttpStatusCode.OK), (first.StatusCode, again.StatusCode));
        var run = await RunOf(first);
        Assert.Equal(run.RunId, (await RunOf(again)).RunId);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, other.StatusCode);
        Assert.Equal("application/problem+json", other.Content.Headers.ContentType!.MediaType);
        // Keys belong to their caller: another API key's "retry-1" is another run.
        Assert.Equal(HttpStatusCode.Accepted, someoneElse.StatusCode);
        Assert.NotEqual(run.RunId, (await RunOf(someoneElse)).RunId);
        Assert.Equal(2, _api.Service<RunStore>().List(10).Count);
    }

    [Fact]
    public async Task Runs_are_listed_newest_first_a_page_at_a_time_and_by_state()
    {
        var submitted = new List<Guid>();
        for (var i = 0; i < 3; i++)
            submitted.Add((await RunOf(await PostJson(FlowersSpec))).RunId);
        await _api.Client.PostAsync($"/runs/{submitted[1]}/cancel", null);

        var first = (await _api.Client.GetFromJsonAsync<RunsPage>("/runs?limit=2", PipelineJson.Options))!;
        var second = (await _api.Client.GetFromJsonAsync<RunsPage>($"/runs?limit=2&cursor={first.NextCursor}", PipelineJson.Options))!;
        var cancelled = (await _api.Client.GetFromJsonAsync<RunsPage>("/runs?state=cancelled", PipelineJson.Options))!;

        Assert.Equal(Enumerable.Reverse(submitted), first.Runs.Concat(second.Runs).Select(run => run.RunId));
        Assert.Null(second.NextCursor);
        Assert.Equal([submitted[1]], cancelled.Runs.Select(run => run.RunId));
    }

    [Theory]
    [InlineData("state=Sleeping", "state")]
    [InlineData("state=1", "state")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=many", "limit")]
    [InlineData("cursor=bm90LWEtY3Vyc29y", "cursor")]
    public async Task A_bad_list_query_is_a_validation_problem_on_its_parameter(string query, string field)
    {
        var response = await _api.Client.GetAsync($"/runs?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(field, out _), problem.RootElement.ToString());
    }

    [Fact]
    public async Task A_run_is_cancelled_once_and_deleted_with_its_objects_by_an_admin_once_it_is_over()
    {
        var run = await RunOf(await PostJson(FlowersSpec));
        using var submitter = _api.ClientWith(OrchestratorApi.Keys[Orchestrator.Api.Security.ApiRoles.Submit]);

        var whileLive = await _api.Client.DeleteAsync($"/runs/{run.RunId}");
        var cancel = await submitter.PostAsync($"/runs/{run.RunId}/cancel", null);
        var cancelAgain = await submitter.PostAsync($"/runs/{run.RunId}/cancel", null);
        var bySubmitter = await submitter.DeleteAsync($"/runs/{run.RunId}");
        var byAdmin = await _api.Client.DeleteAsync($"/runs/{run.RunId}");

        Assert.Equal(HttpStatusCode.Conflict, whileLive.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, cancelAgain.StatusCode);
        Assert.Equal("application/problem+json", cancelAgain.Content.Headers.ContentType!.MediaType);
        Assert.Equal(HttpStatusCode.Forbidden, bySubmitter.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, byAdmin.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _api.Client.GetAsync($"/runs/{run.RunId}")).StatusCode);
        Assert.Empty(await _api.Store.ListAsync(ObjectKeys.RunFolder(run.RunId)).ToListAsync());
    }

    private static async Task<RunView> RunOf(HttpResponseMessage response) => (await response.Content.ReadFromJsonAsync<RunView>(PipelineJson.Options))!;

    private static HttpRequestMessage Post(string json, string? idempotencyKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/runs") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (idempotencyKey is not null)
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        return request;
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
