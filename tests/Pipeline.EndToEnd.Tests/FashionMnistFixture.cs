using Pipeline.Testing;
using Pipeline.Testing.Otlp;

namespace Pipeline.EndToEnd.Tests;

/// <summary>
/// A small real dataset for the end-to-end tests: Fashion-MNIST (Debian's dataset-fashion-mnist) exported by
/// `pipeline datasets fashion-mnist` itself, 20 images per class.
/// </summary>
public sealed class FashionMnistFixture : IAsyncLifetime
{
    public const int PerClass = 20;
    private readonly Lazy<Task<TrainedRun>> _trained;

    public FashionMnistFixture() => _trained = new(TrainAsync);

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "pipeline-e2e", Guid.NewGuid().ToString("N"));

    /// <summary>Receives the shared trained run's traces: that run exports OTLP here, as any embedded run can.</summary>
    public OtlpReceiver Telemetry { get; } = new();
    public string DataDir => Path.Combine(Root, "fashion-mnist");

    public async Task InitializeAsync()
    {
        var result = await PipelineCli.RunAsync(TimeSpan.FromMinutes(10), "datasets", "fashion-mnist", DataDir, "--per-class", PerClass.ToString());
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    public Task DisposeAsync()
    {
        Telemetry.Dispose();
        Directory.Delete(Root, recursive: true);
        return Task.CompletedTask;
    }

    /// <summary>Two classes of the dataset (bag, sneaker), 40 images: for tests of many small runs rather than of training.</summary>
    public string TwoClassDir
    {
        get
        {
            var dir = Path.Combine(Root, "two-classes");
            lock (_trained)
                if (!Directory.Exists(dir))
                    foreach (var className in new[] { "bag", "sneaker" })
                        CopyFolder(Path.Combine(DataDir, className), Path.Combine(dir, className));
            return dir;
        }
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
    }

    public string NewStore() => Path.Combine(Root, "store-" + Guid.NewGuid().ToString("N"));

    /// <summary>One small model trained on the dataset, shared by the tests that use a model rather than test training.</summary>
    public Task<TrainedRun> TrainedRunAsync() => _trained.Value;

    private async Task<TrainedRun> TrainAsync()
    {
        var store = NewStore();
        // Small batches: 140 training images give the head enough Adam steps in two epochs.
        var result = await PipelineCli.RunAsync(TimeSpan.FromMinutes(15), Telemetry.ExporterEnvironment, "run", DataDir, "--backbone", "mlnet-resnet18", "--epochs", "2",
            "--batch-size", "8", "--store", store, "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        var json = result.Json();
        return new TrainedRun(store, json.GetProperty("runId").GetString()!, json.GetProperty("reportDir").GetString()!, result);
    }
}
