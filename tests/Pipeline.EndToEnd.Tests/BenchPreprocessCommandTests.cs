using System.Text.Json;
using Pipeline.Testing;

namespace Pipeline.EndToEnd.Tests;

/// <summary>`bench preprocess` on a tiny generated ImageFolder: the command's contract, not its speed.</summary>
public sealed class BenchPreprocessCommandTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);
    private const int ImagesPerClass = 6;
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string ImageFolder()
    {
        var data = _temp.Combine("data");
        foreach (var (name, index) in new[] { "cat", "dog" }.Select((name, index) => (name, index)))
            for (var i = 0; i < ImagesPerClass; i++)
                TestImageFiles.Bytes(Path.Combine(data, name, $"{i}.jpg"), TestImageFiles.NoisyJpeg(seed: index * ImagesPerClass + i));
        return data;
    }

    [Theory]
    [InlineData("imagesharp")]
    [InlineData("skia")]
    public async Task Bench_preprocess_json_measures_every_image_beside_the_python_peer(string decoder)
    {
        var data = ImageFolder();

        var result = await PipelineCli.RunAsync(Timeout, "bench", "preprocess", data, "--decoder", decoder, "--threads", "1", "--peer", "true", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var json = result.Json();
        Assert.Equal(decoder, json.GetProperty("decoder").GetString());
        Assert.Equal(1, json.GetProperty("threads").GetInt32());
        Assert.Equal(2 * ImagesPerClass, json.GetProperty("images").GetInt32());
        foreach (var field in new[] { "seconds", "imagesPerSecond", "imagesPerSecondPerCore", "peakRssMb", "ratio" })
            Assert.True(json.GetProperty(field).GetDouble() > 0, $"{field}: {result}");
        var phases = json.GetProperty("phases");
        Assert.True(phases.GetProperty("decodeSeconds").GetDouble() > 0 && phases.GetProperty("writeSeconds").GetDouble() > 0, result.ToString());
        var peer = json.GetProperty("peer");
        Assert.Equal(2 * ImagesPerClass, peer.GetProperty("images").GetInt32());
        Assert.Equal(1, peer.GetProperty("processes").GetInt32());
        foreach (var field in new[] { "seconds", "imagesPerSecond", "imagesPerSecondPerCore", "peakRssMb" })
            Assert.True(peer.GetProperty(field).GetDouble() > 0, $"peer {field}: {result}");
        Assert.Equal(JsonValueKind.Null, json.GetProperty("error").ValueKind);
    }

    [Fact]
    public async Task Bench_preprocess_in_chunks_of_five_prepares_every_image_once_and_reports_the_chunk_size()
    {
        var result = await PipelineCli.RunAsync(Timeout, "bench", "preprocess", ImageFolder(), "--chunk-images", "5", "--threads", "1", "--peer", "false", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var json = result.Json();
        Assert.Equal(5, json.GetProperty("chunkImages").GetInt32());
        Assert.Equal(2 * ImagesPerClass, json.GetProperty("images").GetInt32());
        Assert.Equal(0, json.GetProperty("quarantined").GetInt32());
    }

    [Fact]
    public async Task Bench_preprocess_on_a_folder_without_classes_exits_2_with_the_reason_in_its_one_json_object()
    {
        var flat = _temp.Combine("flat");
        TestImageFiles.Bytes(Path.Combine(flat, "only.jpg"), TestImageFiles.NoisyJpeg(seed: 1));

        var result = await PipelineCli.RunAsync(Timeout, "bench", "preprocess", flat, "--peer", "false", "--json");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("ImageFolder", result.Json().GetProperty("error").GetString());
    }
}
