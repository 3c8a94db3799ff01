using Pipeline.Testing;

namespace Pipeline.EndToEnd.Tests;

/// <summary>`bench train` on a tiny folder: both paths run on the same split and stdout holds one JSON object.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class BenchTrainCommandTests(FashionMnistFixture data)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

    [Fact]
    public async Task Bench_train_times_the_cached_and_the_exact_path_on_the_same_images_and_measures_their_memory()
    {
        var folder = Path.Combine(data.Root, "bench-" + Guid.NewGuid().ToString("N"));
        foreach (var classFolder in Directory.GetDirectories(data.DataDir).Order(StringComparer.Ordinal).Take(3))
        {
            var copy = Directory.CreateDirectory(Path.Combine(folder, Path.GetFileName(classFolder))).FullName;
            foreach (var image in Directory.GetFiles(classFolder).Order(StringComparer.Ordinal).Take(6))
                File.Copy(image, Path.Combine(copy, Path.GetFileName(image)));
        }

        var result = await PipelineCli.RunAsync(Timeout, "bench", "train", folder, "--backbone", "mlnet-resnet18", "--epochs", "1", "--threads", "2", "--memory", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var json = result.Json();
        var (train, validation, test) = (json.GetProperty("trainImages").GetInt32(), json.GetProperty("validationImages").GetInt32(), json.GetProperty("testImages").GetInt32());
        Assert.Equal(18, train + validation + test);
        Assert.Equal((1, 1, "mlnet-resnet18"), (json.GetProperty("views").GetInt32(), json.GetProperty("epochs").GetInt32(), json.GetProperty("backbone").GetString()));
        foreach (var path in new[] { "cached", "exact" })
        {
            var seconds = json.GetProperty($"{path}Seconds").GetDouble();
            Assert.True(seconds > 0, result.ToString());
            Assert.Equal(train / seconds, json.GetProperty($"{path}ImagesPerSecond").GetDouble(), 1e-6);
            Assert.InRange(json.GetProperty($"{path}TestAccuracy").GetDouble(), 0, 1);
            var memory = json.GetProperty($"{path}Memory");
            var epochResident = memory.GetProperty("epochResidentMiB").EnumerateArray().Select(mib => mib.GetDouble()).ToList();
            Assert.Single(epochResident);
            // A trial that loaded libtorch and a ResNet peaks at least where it stood after its epoch.
            Assert.InRange(memory.GetProperty("peakResidentMiB").GetDouble(), Math.Max(epochResident[0], 50), 64 * 1024);
        }
        Assert.Equal(json.GetProperty("exactSeconds").GetDouble() / json.GetProperty("cachedSeconds").GetDouble(), json.GetProperty("speedup").GetDouble(), 1e-9);
        Assert.Contains("Computing features of the train split", result.Stderr);
        Assert.Contains("Reusing cached features of the test split", result.Stderr);
    }

    [Fact]
    public async Task Bench_train_refuses_a_mode_without_cached_features_unless_only_the_exact_path_runs()
    {
        var result = await PipelineCli.RunAsync(Timeout, "bench", "train", data.DataDir, "--mode", "finetune", "--json");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("give --paths exact", result.Json().GetProperty("error").GetString());
    }

    [Theory]
    [InlineData("bench train", false)]
    [InlineData("run", true)]
    public async Task Fewer_than_one_view_is_a_usage_error_before_any_work(string command, bool takesStore)
    {
        string[] store = takesStore ? ["--store", data.NewStore()] : [];

        var result = await PipelineCli.RunAsync(Timeout, [.. command.Split(' '), data.DataDir, .. store, "--backbone", "mlnet-resnet18", "--views", "0", "--json"]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("views: must be between 1 and 64 (got 0)", result.Json().GetProperty("error").GetString());
    }
}
