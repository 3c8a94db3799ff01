using Pipeline.Testing;

namespace Pipeline.EndToEnd.Tests;

/// <summary>
/// A small real dataset for the end-to-end tests: Fashion-MNIST (Debian's dataset-fashion-mnist) exported by
/// `pipeline datasets fashion-mnist` itself, 20 images per class.
/// </summary>
public sealed class FashionMnistFixture : IAsyncLifetime
{
    public const int PerClass = 20;
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "pipeline-e2e", Guid.NewGuid().ToString("N"));
    public string DataDir => Path.Combine(Root, "fashion-mnist");

    public async Task InitializeAsync()
    {
        var result = await PipelineCli.RunAsync(TimeSpan.FromMinutes(10), "datasets", "fashion-mnist", DataDir, "--per-class", PerClass.ToString());
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    public Task DisposeAsync()
    {
        Directory.Delete(Root, recursive: true);
        return Task.CompletedTask;
    }

    public string NewStore() => Path.Combine(Root, "store-" + Guid.NewGuid().ToString("N"));
}
