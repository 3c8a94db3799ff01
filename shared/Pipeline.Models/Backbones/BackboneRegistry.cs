using System.Security.Cryptography;
using Pipeline.Models.ResNets;
using Pipeline.Runs;

namespace Pipeline.Models.Backbones;

/// <summary>
/// Builds pretrained backbones by <see cref="BackboneNames"/> name. Converted weights are cached under
/// <paramref name="cacheDirectory"/> (default: $XDG_CACHE_HOME or ~/.cache, then pipeline/weights); the offline
/// model's ONNX files are looked up in <paramref name="modelsDirectory"/> (default: models/ beside the app).
/// </summary>
public sealed class BackboneRegistry(string? cacheDirectory = null, string? modelsDirectory = null)
{
    /// <summary>Every pretrained backbone here was trained on 224x224 crops.</summary>
    public const int InputSize = 224;

    public string CacheDirectory { get; } = cacheDirectory ?? DefaultCacheDirectory();
    public string ModelsDirectory { get; } = modelsDirectory ?? Path.Combine(AppContext.BaseDirectory, "models");

    public static ResNetArchitecture Architecture(string name) => name switch
    {
        BackboneNames.ResNet50 => ResNetArchitecture.ResNet50,
        BackboneNames.MlNetResNet18 => ResNetArchitecture.MlNetResNet18,
        _ => throw UnknownBackbone(name),
    };

    /// <param name="weightsPath">A torchvision state_dict file, for backbones that need one (<see cref="BackboneNames.NeedsWeightsFile"/>).</param>
    public Backbone Load(string name, string? weightsPath = null) => name switch
    {
        BackboneNames.ResNet50 => TorchvisionWeights.Load(name, weightsPath),
        BackboneNames.MlNetResNet18 => new MlNetResNet18Weights(ModelsDirectory, CacheDirectory).Load(),
        _ => throw UnknownBackbone(name),
    };

    public static string DefaultCacheDirectory()
    {
        var root = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (string.IsNullOrEmpty(root))
            root = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(root, "pipeline", "weights");
    }

    internal static string Sha256OfFile(string path)
    {
        using var file = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(file));
    }

    private static PipelineException UnknownBackbone(string name) =>
        new($"Unknown backbone '{name}'. Known backbones: {string.Join(", ", BackboneNames.All)}.");
}
