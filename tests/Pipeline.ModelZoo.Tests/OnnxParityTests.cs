using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Pipeline.ModelZoo.Backbones;
using Pipeline.Contracts;
using Pipeline.Runs;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Pipeline.ModelZoo.Tests;

[Collection(LibTorchCollection.Name)]
public sealed class OnnxParityTests(BackboneFixture fixture, ITestOutputHelper output)
{
    private const int Size = BackboneRegistry.InputSize;

    [Fact]
    public void Converted_mlnet_resnet18_matches_onnx_runtime_on_the_package_models()
    {
        var image = TestPixels.Natural(Size, seed: 7);
        var expected = RunOnnx(image, fixture.Registry.ModelsDirectory);

        using var backbone = fixture.Load(BackboneNames.MlNetResNet18);
        backbone.eval();
        float[] actual;
        using (no_grad())
        using (var batch = tensor(image, [1, Size, Size, 3]))
        using (var features = backbone.call(batch))
            actual = features.data<float>().ToArray();

        var difference = ParityDifference.Of(expected, actual);
        output.WriteLine($"mlnet-resnet18 vs ONNX Runtime, {expected.Length} features: {difference}");
        Assert.True(difference.Relative < 1e-4, $"{difference}: over 1e-4 relative");
        var normalization = backbone.Normalization;
        output.WriteLine($"normalisation: {normalization.ChannelOrder}, scale {normalization.Scale}, mean image channel averages [{string.Join(", ", normalization.Mean.Select(m => m.ToString("F2")))}]");
        Assert.True(normalization.PerPixelMean);
    }

    [Fact]
    public void Cached_conversion_loads_the_same_weights()
    {
        using var first = fixture.Load(BackboneNames.MlNetResNet18);
        var cacheFiles = Directory.GetFiles(fixture.CacheDirectory, "mlnet-resnet18-*.bin");
        Assert.Single(cacheFiles);
        using var second = fixture.Load(BackboneNames.MlNetResNet18);
        var a = first.state_dict();
        var b = second.state_dict();
        Assert.Equal(a.Keys, b.Keys);
        Assert.All(a, pair => Assert.True(pair.Value.eq(b[pair.Key]).all().item<bool>(), pair.Key));
    }

    [Fact]
    public async Task Missing_onnx_file_is_a_clear_error()
    {
        var registry = new BackboneRegistry(cacheDirectory: fixture.CacheDirectory, modelsDirectory: Path.Combine(fixture.Folder, "nowhere"));
        var error = await Assert.ThrowsAsync<PipelineException>(() => registry.LoadAsync(BackboneNames.MlNetResNet18, weights: null));
        Assert.Contains("ResNet18.onnx", error.Message);
    }

    [Fact]
    public async Task An_unwritable_weights_cache_is_warned_about_and_the_converted_weights_are_used_from_memory()
    {
        // A cache folder below a regular file cannot be created, even by root (tests may run as root, for whom modes mean nothing).
        var blocker = Path.Combine(fixture.Folder, "not-a-folder");
        await File.WriteAllTextAsync(blocker, "a file where the cache folder would go");
        var logger = new RecordingLogger<BackboneRegistry>();
        var registry = new BackboneRegistry(cacheDirectory: Path.Combine(blocker, "weights"), modelsDirectory: fixture.Registry.ModelsDirectory, logger: logger);

        using var backbone = await registry.LoadAsync(BackboneNames.MlNetResNet18, weights: null);

        using var reference = fixture.Load(BackboneNames.MlNetResNet18);
        Assert.True(reference.state_dict()["network.layer4.2.conv2.weight"].eq(backbone.state_dict()["network.layer4.2.conv2.weight"]).all().item<bool>());
        var warning = Assert.Single(logger.Entries, entry => entry.Level == Microsoft.Extensions.Logging.LogLevel.Warning);
        Assert.Contains("Cannot write the weights cache", warning.Message);
        Assert.Contains("in memory", warning.Message);
    }

    /// <summary>The package's own two models in sequence, batch 1: preprocessing (RGB to BGR minus mean image), then the ResNet.</summary>
    private static float[] RunOnnx(byte[] image, string modelsDirectory)
    {
        var planar = new DenseTensor<float>([1, 3, Size, Size]);
        for (var y = 0; y < Size; y++)
            for (var x = 0; x < Size; x++)
                for (var c = 0; c < 3; c++)
                    planar[0, c, y, x] = image[(y * Size + x) * 3 + c];
        using var preprocess = new InferenceSession(Path.Combine(modelsDirectory, "ResNetPrepOnnx", "ResNetPreprocess.onnx"));
        using var resnet = new InferenceSession(Path.Combine(modelsDirectory, "ResNet18Onnx", "ResNet18.onnx"));
        using var prepared = preprocess.Run([NamedOnnxValue.CreateFromTensor(preprocess.InputMetadata.Keys.Single(), planar)]);
        var input = prepared.Single().AsTensor<float>();
        using var features = resnet.Run([NamedOnnxValue.CreateFromTensor(resnet.InputMetadata.Keys.Single(), input)]);
        return features.Single().AsTensor<float>().ToArray();
    }
}
