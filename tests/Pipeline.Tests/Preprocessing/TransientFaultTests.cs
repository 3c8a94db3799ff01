using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Contracts;
using Pipeline.Datasets;
using Pipeline.Hosting;
using Pipeline.Preprocessor;
using Pipeline.Preprocessor.Preprocessing;
using Pipeline.Storage;

namespace Pipeline.Tests.Preprocessing;

/// <summary>A fault that is not the user's problem (the store is away) is thrown to the bus to retry, not reported as a failed stage.</summary>
public sealed class TransientFaultTests() : ConsumerHarness<PreprocessDatasetConsumer>((services, folder) => services
    .AddSingleton<IObjectStore, UnreachableStore>()
    .AddSingleton<RunCancellations>()
    .AddSingleton<LocalDatasets>()
    .AddSingleton<IDatasetCatalog, DatasetCatalog>()
    .AddSingleton(new PreprocessorOptions { WorkDirectory = Path.Combine(folder, "work") })
    .AddSingleton<DatasetPreparer>()
    .AddSingleton<ChunkDocuments>())
{
    [Fact]
    public async Task An_unreachable_store_faults_the_message_for_a_retry_instead_of_failing_the_run()
    {
        var data = Folder.Combine("images");
        foreach (var name in new[] { "a", "b" })
            for (var i = 0; i < 5; i++)
                TestImageFiles.Solid(Path.Combine(data, name, $"{i}.png"), 8, 8, TestImageFiles.Red);
        Service<LocalDatasets>().Register("colours", data);
        var runId = Guid.NewGuid();

        await Harness.Bus.Publish(new PreprocessDataset(runId, "colours", new PreprocessingSpec(), Seed: 1));

        Assert.True(await Harness.Published.Any<Fault<PreprocessDataset>>(m => m.Context.Message.Message.RunId == runId));
        Assert.Contains("store unreachable", Harness.Published.Select<Fault<PreprocessDataset>>().Single().Context.Message.Exceptions[0].Message);
        Assert.False(await Harness.Published.Any<StageFailed>());
    }

    private sealed class UnreachableStore : IObjectStore
    {
        private static IOException Away() => new("store unreachable: connection refused");
        public Task PutAsync(string key, Stream content, CancellationToken cancellationToken = default) => throw Away();
        public Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken = default) => throw Away();
        public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default) => throw Away();
        public IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken cancellationToken = default) => throw Away();
        public Task DeleteAsync(string key, CancellationToken cancellationToken = default) => throw Away();
    }
}
