using System.Net;
using System.Net.Http.Json;
using System.Runtime.Versioning;
using System.Text.Json;
using Pipeline.Testing;

namespace Pipeline.EndToEnd.Tests;

[Collection(EndToEndCollection.Name)]
public sealed class ServeCommandTests(FashionMnistFixture data)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

    /// <summary>The smallest run that goes through every stage: random resnet18 weights on 32-pixel images, one epoch.</summary>
    public static readonly string[] TinyRun = ["--backbone", "resnet18", "--weights", "none", "--image-size", "32", "--epochs", "1"];

    [Fact]
    [SupportedOSPlatform("linux")]
    public async Task Serve_runs_a_client_s_run_to_completion_with_the_admin_key_it_made_and_refuses_calls_without_a_key()
    {
        using var server = await ServedPipeline.StartAsync(data.NewStore());
        using var anonymous = new HttpClient { BaseAddress = server.Address };

        using var refused = await anonymous.GetAsync("/runs");
        var run = await PipelineCli.RunAsync(Timeout, server.ClientEnvironment, ["run", data.TwoClassDir, .. TinyRun, "--store", data.NewStore(), "--json"]);

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(server.KeyFile));
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("Completed", run.Json().GetProperty("state").GetString());
        Assert.Contains("uploaded dataset 'two-classes'", run.Stderr);
        var served = await server.Http.GetFromJsonAsync<JsonElement>($"/runs/{run.Json().GetProperty("runId").GetString()}");
        Assert.Equal("Completed", served.GetProperty("state").GetString());
    }
}
