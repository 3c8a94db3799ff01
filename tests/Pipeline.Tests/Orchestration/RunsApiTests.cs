using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Pipeline.Contracts;
using Pipeline.Orchestrator.Api;
using Pipeline.Orchestrator.Runs;

namespace Pipeline.Tests.Orchestration;

public sealed class RunsApiTests : IDisposable
{
    private readonly TempDirectory _store = new();
    // Any type of the orchestrator assembly locates its entry point.
    private readonly WebApplicationFactory<RunCoordinator> _factory;
    private readonly HttpClient _client;

    public RunsApiTests()
    {
        _factory = new WebApplicationFactory<RunCoordinator>().WithWebHostBuilder(host => host
            .UseSetting("Pipeline:Store:Root", _store.Combine("objects"))
            .UseSetting("Pipeline:Orchestrator:Database", $"Data Source={_store.Combine("runs.db")}"));
        _client = _factory.CreateClient();
    }

    public void Dispose()
    {
        _client.Dispose();
        _factory.Dispose();
        _store.Dispose();
    }

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

        var read = await _client.GetFromJsonAsync<RunView>($"/runs/{run.RunId}", PipelineJson.Options);
        Assert.Equal(3, read!.Spec.Training.Epochs);
        Assert.Equal(80, read.Spec.Preprocessing.Split.Train);
        Assert.Equal("t1", Assert.Single(read.Trials).TrialId);
    }

    [Theory]
    [InlineData("""{ "dataset": "d", "training": { "backbone": "vgg16" } }""", "training.backbone", "unknown backbone 'vgg16'")]
    [InlineData("""{ "dataset": "d" }""", "training.weights", "needs ImageNet weights")]
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
        var response = await _client.GetAsync($"/runs/{Guid.NewGuid()}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Run not found", problem.RootElement.GetProperty("title").GetString());
    }

    private Task<HttpResponseMessage> PostJson(string json) =>
        _client.PostAsync("/runs", new StringContent(json, Encoding.UTF8, "application/json"));
}
