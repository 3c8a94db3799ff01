using System.Net;
using System.Runtime.Versioning;
using Microsoft.Extensions.Options;
using Pipeline.Orchestrator.Api.Security;

namespace Pipeline.Tests.Orchestration;

// Key files are checked for Unix permissions.
[SupportedOSPlatform("linux")]
public sealed class ApiSecurityTests : IDisposable
{
    private const string ValidRun = """{ "dataset": "flowers", "training": { "backbone": "mlnet-resnet18", "epochs": 1 } }""";
    private readonly OrchestratorApi _api = new();

    public void Dispose() => _api.Dispose();

    [Theory]
    [InlineData(null)]
    [InlineData("not-a-key-of-this-server-at-all")]
    public async Task A_request_without_a_valid_key_is_401_problem_json_with_a_bearer_challenge(string? key)
    {
        using var client = _api.ClientWith(key);

        var response = await client.GetAsync("/runs");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task Health_checks_need_no_key(string path)
    {
        using var client = _api.ClientWith(null);

        var response = await client.GetAsync(path);

        Assert.NotEqual(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.NotEqual(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task A_read_key_may_look_at_runs_but_not_submit_cancel_or_upload()
    {
        using var reader = _api.ClientWith(OrchestratorApi.Keys[ApiRoles.Read]);
        var submitted = await _api.Client.PostAsync("/runs", Json(ValidRun));
        var runUrl = submitted.Headers.Location!.OriginalString;

        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync("/runs")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync(runUrl)).StatusCode);
        var refused = await reader.PostAsync("/runs", Json(ValidRun));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.PostAsync($"{runUrl}/cancel", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.PostAsync("/datasets?name=flowers", new ByteArrayContent([1, 2, 3]))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.PostAsync("/weights", new ByteArrayContent([1, 2, 3]))).StatusCode);
    }

    [Fact]
    public async Task A_submit_key_may_submit_and_cancel_runs()
    {
        using var submitter = _api.ClientWith(OrchestratorApi.Keys[ApiRoles.Submit]);

        var submitted = await submitter.PostAsync("/runs", Json(ValidRun));
        var cancelled = await submitter.PostAsync($"{submitted.Headers.Location!.OriginalString}/cancel", null);

        Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, cancelled.StatusCode);
    }

    [Fact]
    public async Task Keys_from_a_private_key_file_are_accepted()
    {
        using var folder = new TempDirectory();
        var file = folder.Combine("api-keys");
        File.WriteAllText(file, "# role key\n\nsubmit file-key-0123456789abcdef\n");
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        using var api = new OrchestratorApi(new Dictionary<string, string?> { ["Pipeline:Api:KeyFile"] = file });
        using var client = api.ClientWith("file-key-0123456789abcdef");

        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync("/runs", Json(ValidRun))).StatusCode);
    }

    [Theory]
    [InlineData("submit file-key-0123456789abcdef\n", UnixFileMode.OtherRead, "can be read by other users: make it private with `chmod 600")]
    [InlineData("owner file-key-0123456789abcdef\n", UnixFileMode.None, "line 1: unknown role 'owner'; use one of read, submit, admin")]
    [InlineData("admin short\n", UnixFileMode.None, "line 1: a key must be at least 16 characters")]
    [InlineData("admin\n", UnixFileMode.None, "line 1: expected 'ROLE KEY'")]
    public void A_bad_key_file_stops_the_server_saying_what_to_fix(string content, UnixFileMode extra, string expected)
    {
        using var folder = new TempDirectory();
        var file = folder.Combine("api-keys");
        File.WriteAllText(file, content);
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | extra);

        var error = Assert.Throws<PipelineException>(() => new ApiKeyRing(Options.Create(new ApiOptions { KeyFile = file })));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void A_server_without_keys_refuses_to_start_saying_how_to_make_one()
    {
        var error = Assert.Throws<PipelineException>(() => new ApiKeyRing(Options.Create(new ApiOptions())));

        Assert.Contains("The API has no keys", error.Message);
        Assert.Contains("Pipeline:Api:KeyFile", error.Message);
    }

    [Fact]
    public void The_server_checks_its_keys_at_startup()
    {
        var error = Assert.Throws<PipelineException>(() => new OrchestratorApi(new Dictionary<string, string?> { ["Pipeline:Api:Keys:0:Role"] = "owner" }));
        Assert.Contains("Pipeline:Api:Keys:0: unknown role 'owner'", error.Message);
    }

    private static StringContent Json(string body) => new(body, System.Text.Encoding.UTF8, "application/json");
}
