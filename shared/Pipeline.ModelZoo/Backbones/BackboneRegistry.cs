using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Contracts;
using Pipeline.ModelZoo.ResNets;
using Pipeline.Storage;

namespace Pipeline.ModelZoo.Backbones;

/// <summary>
/// Builds pretrained backbones by <see cref="BackboneNames"/> name and weights reference (<see cref="WeightsReference"/>).
/// Converted and downloaded weights are cached under <paramref name="cacheDirectory"/> (default: $XDG_CACHE_HOME or
/// ~/.cache, then pipeline/weights); the offline model's ONNX files are looked up in <paramref name="modelsDirectory"/>
/// (default: models/ beside the app); <c>store:</c> references are read from <paramref name="store"/>.
/// </summary>
public sealed class BackboneRegistry(IObjectStore? store = null, string? cacheDirectory = null, string? modelsDirectory = null, ILogger<BackboneRegistry>? logger = null)
{
    private readonly ILogger _logger = logger ?? NullLogger<BackboneRegistry>.Instance;

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

    /// <param name="weights">A weights reference; null for the backbone's default weights.</param>
    /// <exception cref="PipelineException">Unknown backbone, weights that do not fit it, or weights that cannot be found or read.</exception>
    public async Task<Backbone> LoadAsync(string name, string? weights, CancellationToken cancellationToken = default)
    {
        Architecture(name);
        var reference = weights ?? BackboneNames.DefaultWeights(name)
                        ?? throw new PipelineException($"Backbone '{name}' needs ImageNet weights: a torchvision state_dict such as resnet50-0676ba61.pth.");
        if (WeightsReference.Problem(reference, name) is { } problem)
            throw new PipelineException($"Cannot load backbone '{name}': {problem}.");
        if (reference == WeightsReference.MlNetResNet18)
            return new MlNetResNet18Weights(ModelsDirectory, CacheDirectory, _logger).Load();
        if (WeightsReference.StoreKey(reference) is { } key)
        {
            using var file = await ReadFromStoreAsync(key, cancellationToken);
            return TorchvisionWeights.Load(name, reference, file);
        }
        var cached = Path.Combine(CacheDirectory, reference + ".pth");
        if (!File.Exists(cached))
            throw new PipelineException(
                $"The weights '{reference}' are not in the local cache ({cached}). Download https://download.pytorch.org/models/{reference}.pth " +
                "into that folder, or pass the file with --weights PATH.");
        using (var stream = File.OpenRead(cached))
            return TorchvisionWeights.Load(name, reference, stream);
    }

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

    /// <summary>A state_dict is a zip archive, read with seeks: the object is copied into memory first.</summary>
    private async Task<MemoryStream> ReadFromStoreAsync(string key, CancellationToken cancellationToken)
    {
        if (store is null)
            throw new PipelineException($"Weights 'store:{key}' need an object store, and this registry has none.");
        try
        {
            await using var source = await store.OpenReadAsync(key, cancellationToken);
            var copy = new MemoryStream();
            await source.CopyToAsync(copy, cancellationToken);
            copy.Position = 0;
            return copy;
        }
        catch (ObjectNotFoundException)
        {
            throw new PipelineException($"The weights 'store:{key}' are not in the object store.");
        }
    }

    private static PipelineException UnknownBackbone(string name) =>
        new($"Unknown backbone '{name}'. Known backbones: {string.Join(", ", BackboneNames.All)}.");
}
