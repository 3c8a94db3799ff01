using System.Net.Http.Json;
using System.Text.Json;

namespace Pipeline.Cluster.Tests;

[Trait("Category", "Cluster")]
[Collection(ClusterCollection.Name)]
public sealed class RunTests(ClusterFixture cluster)
{
    [Fact]
    public async Task A_run_travels_from_the_API_over_RabbitMQ_to_the_preprocessor_and_fails_on_a_missing_dataset()
    {
        using var submitted = await cluster.Http.PostAsJsonAsync("/runs",
            new { dataset = "nowhere", training = new { backbone = "mlnet-resnet18", epochs = 1 } });
        var body = await submitted.Content.ReadAsStringAsync();
        Assert.True(submitted.IsSuccessStatusCode, $"{submitted.StatusCode}: {body}");
        var runId = JsonDocument.Parse(body).RootElement.GetProperty("runId").GetString()!;

        var run = await ClusterRuns.WaitAsync(cluster, runId, TimeSpan.FromMinutes(2));

        Assert.Equal("Failed", run.GetProperty("state").GetString());
        // The preprocessor looked in the bucket on s3rver and said so: the run went the whole way.
        Assert.Contains("There is no dataset named 'nowhere' in the object store", run.GetProperty("error").GetString());
        Assert.Contains(runId, await File.ReadAllTextAsync(cluster.Process("preprocessor").Log));
    }
}
