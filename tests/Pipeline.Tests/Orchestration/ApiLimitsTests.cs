using System.Net;
using System.Text;
using System.Text.Json;
using Pipeline.Orchestrator.Api.Security;

namespace Pipeline.Tests.Orchestration;

public sealed class ApiLimitsTests
{
    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<JsonElement> ProblemOf(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    [Fact]
    public async Task A_body_over_the_limit_is_refused_with_413_before_it_is_read()
    {
        using var api = new OrchestratorApi(new Dictionary<string, string?> { ["Pipeline:Api:Limits:MaxJsonBodyBytes"] = "1000" });
        var padding = new string(' ', 2000);

        var response = await api.Client.PostAsync("/runs", Json($$"""{ "dataset": "d", "training": { "backbone": "mlnet-resnet18" } {{padding}} }"""));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("at most 1000 bytes", (await ProblemOf(response)).GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("""{ "dataset": "d", "training": { "backbone": "mlnet-resnet18", "epochs": 6 } }""", "training.epochs", "at most 5 on this server (got 6)")]
    [InlineData("""{ "dataset": "d", "training": { "backbone": "mlnet-resnet18" }, "sweep": { "training.epochs": [2, 9] } }""", "sweep.training.epochs", "at most 5 on this server (got 9)")]
    [InlineData("""{ "dataset": "d", "training": { "backbone": "mlnet-resnet18", "epochs": 2, "batchSize": 64 } }""", "training.batchSize", "at most 16 on this server")]
    [InlineData("""{ "dataset": "d", "training": { "backbone": "mlnet-resnet18", "epochs": 2, "threads": 8 } }""", "training.threads", "at most 4 on this server")]
    [InlineData("""{ "dataset": "d", "training": { "backbone": "mlnet-resnet18", "epochs": 2 }, "evaluation": { "batchSize": 17 } }""", "evaluation.batchSize", "at most 16 on this server")]
    public async Task A_shared_service_bounds_epochs_batch_size_and_threads_by_its_configuration(string body, string field, string expected)
    {
        using var api = new OrchestratorApi(new Dictionary<string, string?>
        {
            ["Pipeline:Api:Limits:MaxEpochs"] = "5", ["Pipeline:Api:Limits:MaxBatchSize"] = "16", ["Pipeline:Api:Limits:MaxThreads"] = "4",
        });

        var response = await api.Client.PostAsync("/runs", Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains((await ProblemOf(response)).GetProperty("errors").GetProperty(field).EnumerateArray(), message => message.GetString()!.Contains(expected));
    }

    [Fact]
    public async Task Long_strings_are_refused_on_their_field_without_being_echoed_back()
    {
        using var api = new OrchestratorApi();
        var longText = new string('a', 100_000);

        var response = await api.Client.PostAsync("/runs", Json($$"""
            { "dataset": "{{longText}}", "preprocessing": { "background": "{{longText}}" },
              "training": { "backbone": "{{longText}}", "weights": "https://example.com/{{longText}}-0676ba61.pth" } }
            """));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await ProblemOf(response)).GetProperty("errors");
        Assert.Equal(["dataset", "preprocessing.background", "training.backbone"], errors.EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal));
        Assert.All(errors.EnumerateObject().SelectMany(e => e.Value.EnumerateArray()), message => Assert.True(message.GetString()!.Length < 400, message.GetString()));
    }

    [Fact]
    public async Task A_weights_url_past_its_bound_is_refused()
    {
        using var api = new OrchestratorApi();

        var response = await api.Client.PostAsync("/runs", Json($$"""
            { "dataset": "d", "training": { "backbone": "resnet50", "weights": "https://example.com/{{new string('a', 5000)}}/resnet50-0676ba61.pth" } }
            """));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("at most 2048 characters", (await ProblemOf(response)).GetProperty("errors").GetProperty("training.weights")[0].GetString());
    }

    [Fact]
    public async Task A_caller_past_its_rate_gets_429_with_retry_after_while_others_and_health_checks_go_on()
    {
        using var api = new OrchestratorApi(new Dictionary<string, string?> { ["Pipeline:Api:RateLimit:PermitsPerMinute"] = "1", ["Pipeline:Api:RateLimit:Burst"] = "2" });
        using var reader = api.ClientWith(OrchestratorApi.Keys[ApiRoles.Read]);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
            statuses.Add((await api.Client.GetAsync("/runs")).StatusCode);
        var limited = await api.Client.GetAsync("/runs");
        var other = await reader.GetAsync("/runs");
        var health = await api.Client.GetAsync("/health/live");

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.InRange(limited.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 60);
        Assert.Contains("1 requests a minute", (await ProblemOf(limited)).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }
}
