using System.Globalization;
using System.Text.RegularExpressions;

namespace Pipeline.Cluster.Tests;

/// <summary>A dataset cut into chunks on the deployment: two preprocessors share them, and the orchestrator counts each once.</summary>
[Trait("Category", "Cluster")]
[Collection(ClusterCollection.Name)]
public sealed partial class ChunkedPreprocessingTests(ClusterFixture cluster)
{
    /// <summary>The fixture's 80 images in 8 chunks: enough for both preprocessors to get some, small enough to take seconds.</summary>
    private const string ChunksOfTen = "Pipeline__Preprocessor__ChunkImages=10";

    [Fact]
    public async Task Two_preprocessors_share_the_chunks_of_one_dataset_and_every_image_is_accounted_for_once()
    {
        // The slow parts (a service's start) side by side: the test's own time stays near that of one start.
        var joining = JoinedService.StartAsync(cluster, "preprocessor", ChunksOfTen);
        try
        {
            await Task.WhenAll(ClusterRuns.UploadAsync(cluster, "chunked"), cluster.RestartAsync("preprocessor", 1, ChunksOfTen), joining);
            var second = await joining;
            // A seed of its own: no other test has prepared this dataset with it.
            var runId = await ClusterRuns.SubmitAsync(cluster, ClusterRuns.Spec("chunked", seed: 71));
            var run = await ClusterRuns.WaitAsync(cluster, runId, TimeSpan.FromSeconds(60), r => r.GetProperty("state").GetString() != "Preprocessing");
            // Training is not this test's subject: free the trainers for the next test.
            using var cancel = await cluster.Http.PostAsync($"/runs/{runId}/cancel", content: null);

            Assert.True(run.GetProperty("state").GetString() is "Training" or "Evaluating" or "Completed", run.ToString());
            var first = ChunksPreparedIn(runId, await File.ReadAllTextAsync(cluster.Process("preprocessor").Log));
            var other = ChunksPreparedIn(runId, second.Output);
            Assert.True(first.Count > 0 && other.Count > 0, $"preprocessor 1 prepared chunks [{string.Join(", ", first)}], the second one [{string.Join(", ", other)}]");
            Assert.Equal(Enumerable.Range(0, 8), first.Concat(other).Order());
            // The orchestrator counted every chunk once, and the manifest holds every image once (usable or quarantined).
            var counted = ChunkCount().Matches(await File.ReadAllTextAsync(cluster.Process("orchestrator").Log))
                .Where(m => m.Groups["run"].Value == runId).Select(m => int.Parse(m.Groups["chunk"].Value, CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(Enumerable.Range(0, 8), counted.Order());
            var prepared = await ClusterRuns.JournalEntryAsync(cluster, runId, "DatasetPrepared");
            var images = new[] { "trainImages", "validationImages", "testImages", "quarantined" }.Sum(count => prepared.GetProperty(count).GetInt32());
            Assert.Equal(10 * ClusterFixture.ImagesPerClass, images);
        }
        finally
        {
            await Task.WhenAll(LeaveAsync(joining), cluster.RestartAsync("preprocessor"));
        }
    }

    /// <summary>Stops the joined preprocessor if it started (one that failed to start stopped itself).</summary>
    private static async Task LeaveAsync(Task<JoinedService> joining)
    {
        if (joining.IsCompletedSuccessfully)
            await (await joining).DisposeAsync();
    }

    private static List<int> ChunksPreparedIn(string runId, string log) =>
        ChunkPrepared().Matches(log).Where(m => m.Groups["run"].Value == runId).Select(m => int.Parse(m.Groups["chunk"].Value, CultureInfo.InvariantCulture)).ToList();

    [GeneratedRegex(@"Run (?<run>[0-9a-f-]{36}): prepared chunk (?<chunk>\d+) of 8 ")]
    private static partial Regex ChunkPrepared();

    [GeneratedRegex(@"Run (?<run>[0-9a-f-]{36}): chunk (?<chunk>\d+) is in")]
    private static partial Regex ChunkCount();
}
