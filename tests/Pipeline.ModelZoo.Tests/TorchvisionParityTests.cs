using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;
using Pipeline.Contracts;
using Pipeline.ModelZoo.Backbones;
using Pipeline.ModelZoo.ResNets;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Pipeline.ModelZoo.Tests;

/// <summary>Our torchvision-layout ResNets against Debian's torchvision: the same state_dict layout, the same outputs.</summary>
[Collection(LibTorchCollection.Name)]
public sealed class TorchvisionParityTests(BackboneFixture fixture, ITestOutputHelper output)
{
    private const string Script = "Python/torchvision_resnet.py";

    [Fact]
    public void Resnet50_with_a_torchvision_state_dict_gives_pytorchs_features_to_1e4_relative()
    {
        using var folder = new TempDirectory();
        SystemPython.RunScript(Script, "parity", BackboneNames.ResNet50, folder.Path);
        using var backbone = fixture.Load(BackboneNames.ResNet50, fixture.Import(folder.Combine("resnet50.pth")));
        backbone.eval();
        var expected = MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(folder.Combine("features.bin"))).ToArray();

        float[] actual;
        using (no_grad())
        using (var image = tensor(File.ReadAllBytes(folder.Combine("image.bin")), [1, 224, 224, 3]))
        using (var features = backbone.call(image))
            actual = features.data<float>().ToArray();

        var difference = ParityDifference.Of(expected, actual);
        output.WriteLine($"resnet50 vs PyTorch {expected.Length} pooled features (max |PyTorch| {expected.Max(Math.Abs):F1}): {difference}");
        Assert.True(difference.Relative < 1e-4, $"{difference}: over 1e-4 relative");
    }

    [Fact]
    public void Every_torchvision_resnet_has_torchvisions_state_dict_names_and_shapes()
    {
        var layouts = JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, long[]>>>(SystemPython.RunScript(Script, "layouts"))!;

        Assert.Equal(BackboneNames.Torchvision.Order(), layouts.Keys.Order());
        foreach (var name in BackboneNames.Torchvision)
        {
            using var ours = new ResNet(BackboneRegistry.Architecture(name), numClasses: 1000);
            var actual = ours.state_dict().ToDictionary(pair => pair.Key, pair => pair.Value.shape);
            Assert.Equal(layouts[name].Keys.Order(), actual.Keys.Order());
            Assert.All(layouts[name], pair => Assert.Equal(pair.Value, actual[pair.Key]));
        }
    }

    [Fact]
    public async Task Resnet18_loads_from_a_url_and_resnet34_from_the_store_without_missing_or_unexpected_keys()
    {
        using var folder = new TempDirectory();
        using var server = new LoopbackFileServer();
        var resnet18 = folder.Combine("resnet18.pth");
        SystemPython.RunScript(Script, "state-dict", BackboneNames.ResNet18, resnet18);
        var bytes = await File.ReadAllBytesAsync(resnet18);
        var url = server.Serve($"/models/resnet18-{Convert.ToHexStringLower(SHA256.HashData(bytes))[..8]}.pth", bytes);
        var registry = new BackboneRegistry(cacheDirectory: folder.Combine("cache"), weightsOptions: new WeightsOptions { AllowedHosts = [server.Origin] });

        using (var fromUrl = await registry.LoadAsync(BackboneNames.ResNet18, url))
            Assert.Equal(512, fromUrl.FeatureCount);

        var resnet34 = folder.Combine("resnet34.pth");
        SystemPython.RunScript(Script, "state-dict", BackboneNames.ResNet34, resnet34);
        using var fromStore = fixture.Load(BackboneNames.ResNet34, fixture.Import(resnet34));
        Assert.Equal(512, fromStore.FeatureCount);
    }

    [Fact]
    public void Weights_none_start_from_torchvisions_initialisation_named_by_their_hash()
    {
        manual_seed(3);
        using var first = fixture.Load(BackboneNames.ResNet18, WeightsReference.None);
        manual_seed(3);
        using var again = fixture.Load(BackboneNames.ResNet18, WeightsReference.None);

        var state = first.Network.state_dict();
        // Kaiming normal, fan out, ReLU gain: std sqrt(2 / (64 * 7 * 7)) for conv1.
        var std = state["conv1.weight"].std().item<float>();
        Assert.InRange(std, 0.95 * Math.Sqrt(2.0 / (64 * 49)), 1.05 * Math.Sqrt(2.0 / (64 * 49)));
        Assert.True(state["layer2.0.bn1.weight"].eq(1).all().item<bool>());
        Assert.True(state["layer2.0.bn1.bias"].eq(0).all().item<bool>());
        Assert.Equal(64, first.WeightsSha256.Length);
        Assert.Equal(first.WeightsSha256, again.WeightsSha256);
        manual_seed(4);
        using var other = fixture.Load(BackboneNames.ResNet18, WeightsReference.None);
        Assert.NotEqual(first.WeightsSha256, other.WeightsSha256);
    }
}
