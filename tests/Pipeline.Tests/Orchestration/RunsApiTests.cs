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
        _factory = new WebApplicationFactory<RunCoordinator>().WithWebHostBuilder(host => host.UseSetting("Pipeline:Store:Root", _store.Path));
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
        var response = await PostJson("""{ "dataDir": "/data/flowers", "backbone": "mlnet-resnet18", "epochs": 3, "split": "80/10/10" }""");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var run = (await response.Content.ReadFromJsonAsync<RunView>(PipelineJson.Options))!;
        Assert.Equal($"/runs/{run.RunId}", response.Headers.Location!.OriginalString);
        Assert.Equal(RunState.Preprocessing, run.State);

        var read = await _client.GetFromJsonAsync<RunView>($"/runs/{run.RunId}", PipelineJson.Options);
        Assert.Equal(3, read!.Spec.Epochs);
        Assert.Equal(80, read.Spec.Split.Train);
    }

    [Theory]
    [InlineData("""{ "dataDir": "/d", "backbone": "vgg16" }""", "Unknown backbone 'vgg16'")]
    [InlineData("""{ "dataDir": "/d" }""", "--weights")]
    [InlineData("""{ "dataDir": "/d", "backbone": "mlnet-resnet18", "epochs": 0 }""", "epochs must be between")]
    [InlineData("""{ "dataDir": "/d", "backbone": "mlnet-resnet18", "split": "90/20/10" }""", "add up to 100")]
    public async Task An_invalid_spec_gets_a_validation_problem(string body, string expected)
    {
        var response = await PostJson(body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains(expected, await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("{ not json")]
    [InlineData("""{ "backbone": "mlnet-resnet18" }""")]
    [InlineData("""{ "dataDir": "/d", "split": "seventy" }""")]
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
