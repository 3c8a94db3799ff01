using Pipeline.Testing;
using System.Net.Http.Json;
using System.Text.Json;

namespace Pipeline.Cluster.Tests;

/// <summary>Submitting runs to the deployment's API and waiting for them, for the tests that need finished runs.</summary>
public static class ClusterRuns
{
    /// <summary>One mlnet-resnet18 trial of one epoch on the fixture's dataset: a minute or less on the deployment's cores.</summary>
    /// <param name="seed">
    /// One of its own per test that interrupts a stage: every test uploads the same images, so the same seed finds the
    /// dataset prepared and its features cached by an earlier test, and there is nothing left to interrupt.
    /// </param>
    /// <param name="exact">The per-epoch path (the backbone runs every epoch): epochs long enough to be interrupted, unlike a head's over cached features.</param>
    public static object Spec(string dataset, int seed = 42, int epochs = 1, bool exact = false) => new
    {
        dataset,
        seed,
        training = new { backbone = "mlnet-resnet18", epochs, batchSize = 8, exact },
    };

    /// <summary>Uploads the fixture's dataset under <paramref name="name"/> (the server skips it when it has the same files).</summary>
    public static async Task UploadAsync(ClusterFixture cluster, string name)
    {
        var upload = await PipelineCli.RunAsync(ClusterFixture.CommandTimeout, "datasets", "upload", cluster.DataDir, name, "--server", cluster.ApiUrl);
        Assert.True(upload.ExitCode == 0, upload.ToString());
    }

    public static async Task<string> SubmitAsync(ClusterFixture cluster, object spec)
    {
        using var response = await cluster.Http.PostAsJsonAsync("/runs", spec);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("runId").GetString()!;
    }

    public static Task<JsonElement> GetAsync(ClusterFixture cluster, string runId) => cluster.Http.GetFromJsonAsync<JsonElement>($"/runs/{runId}");

    /// <summary>The bodies of the run's journal entries of one event type (<c>DatasetPrepared</c>, ...).</summary>
    public static async Task<IReadOnlyList<JsonElement>> JournalAsync(ClusterFixture cluster, string runId, string type)
    {
        var page = await cluster.Http.GetFromJsonAsync<JsonElement>($"/runs/{runId}/events");
        return page.GetProperty("events").EnumerateArray().Where(e => e.GetProperty("type").GetString() == type).Select(e => e.GetProperty("data").Clone()).ToList();
    }

    /// <summary>
    /// The body of the run's one journal entry of <paramref name="type"/>, waiting up to 30 s for it: the orchestrator
    /// journals an event after applying it, so the entry can trail the state change a test saw first.
    /// </summary>
    public static async Task<JsonElement> JournalEntryAsync(ClusterFixture cluster, string runId, string type)
    {
        var journaled = await JournalAsync(cluster, runId, type);
        for (var wait = 0; journaled.Count == 0 && wait < 150; wait++)
        {
            await Task.Delay(200);
            journaled = await JournalAsync(cluster, runId, type);
        }
        return Assert.Single(journaled);
    }

    /// <summary>Polls the run until <paramref name="done"/> says so (by default: a final state).</summary>
    public static async Task<JsonElement> WaitAsync(ClusterFixture cluster, string runId, TimeSpan timeout, Func<JsonElement, bool>? done = null)
    {
        done ??= run => run.GetProperty("state").GetString() is "Failed" or "Completed" or "Cancelled";
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var run = await GetAsync(cluster, runId);
            if (done(run))
                return run;
            Assert.True(DateTime.UtcNow < deadline, $"Run {runId} is still {run.GetProperty("state")} after {timeout}: {run}");
            await Task.Delay(250);
        }
    }
}
