using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Contracts;
using Pipeline.ModelZoo.ResNets;
using Pipeline.Storage;

namespace Pipeline.ModelZoo.Backbones;

/// <summary>
/// Builds backbones by <see cref="BackboneNames"/> name and weights reference (<see cref="WeightsReference"/>).
/// Converted and downloaded weights are cached under <paramref name="cacheDirectory"/> (default: $XDG_CACHE_HOME or
/// ~/.cache, then pipeline/weights); downloads follow <paramref name="weightsOptions"/>; the offline model's ONNX files
/// are looked up in <paramref name="modelsDirectory"/> (default: models/ beside the app); <c>store:</c> references are
/// read from <paramref name="store"/>.
/// </summary>
public sealed class BackboneRegistry(IObjectStore? store = null, string? cacheDirectory = null, string? modelsDirectory = null, ILogger<BackboneRegistry>? logger = null,
    WeightsOptions? weightsOptions = null)
{
    private readonly ILogger _logger = logger ?? NullLogger<BackboneRegistry>.Instance;

    /// <summary>Every pretrained backbone here was trained on 224x224 crops.</summary>
    public const int InputSize = 224;

    public string CacheDirectory { get; } = cacheDirectory ?? DefaultCacheDirectory();
    public string ModelsDirectory { get; } = modelsDirectory ?? Path.Combine(AppContext.BaseDirectory, "models");

    private WeightsDownloads Downloads => field ??= new WeightsDownloads(CacheDirectory, weightsOptions ?? new WeightsOptions(), _logger);

    public static ResNetArchitecture Architecture(string name) => name switch
    {
        BackboneNames.ResNet18 => ResNetArchitecture.ResNet18,
        BackboneNames.ResNet34 => ResNetArchitecture.ResNet34,
        BackboneNames.ResNet50 => ResNetArchitecture.ResNet50,
        BackboneNames.ResNet101 => ResNetArchitecture.ResNet101,
        BackboneNames.ResNet152 => ResNetArchitecture.ResNet152,
        BackboneNames.MlNetResNet18 => ResNetArchitecture.MlNetResNet18,
        _ => throw UnknownBackbone(name),
    };

    /// <param name="weights">A weights reference; null for the backbone's default weights.</param>
    /// <exception cref="PipelineException">Unknown backbone, weights that do not fit it, or weights that cannot be found, downloaded or read.</exception>
    public async Task<Backbone> LoadAsync(string name, string? weights, CancellationToken cancellationToken = default)
    {
        var reference = Reference(name, weights);
        if (reference == WeightsReference.MlNetResNet18)
            return new MlNetResNet18Weights(ModelsDirectory, CacheDirectory, _logger).Load();
        if (reference == WeightsReference.None)
            return Backbone.Untrained(name, InputSize);
        if (WeightsReference.StoreKey(reference) is { } key)
        {
            using var file = await ReadFromStoreAsync(key, cancellationToken);
            return TorchvisionWeights.Load(name, reference, file);
        }
        var path = await Downloads.FileAsync(reference, cancellationToken);
        using var stream = File.OpenRead(path);
        return TorchvisionWeights.Load(name, path, stream, WeightsReference.HashPrefix(Path.GetFileName(path)));
    }

    /// <summary>
    /// Brings weights that are downloaded (known torchvision names, URLs) into the local cache now, so that a run that
    /// cannot have them fails before any work; other references need nothing.
    /// </summary>
    /// <exception cref="PipelineException">As <see cref="LoadAsync"/>, for the reference and the download.</exception>
    public async Task PrepareAsync(string name, string? weights, CancellationToken cancellationToken = default)
    {
        var reference = Reference(name, weights);
        if (WeightsReference.Download(reference) is not null)
            await Downloads.FileAsync(reference, cancellationToken);
    }

    private static string Reference(string name, string? weights)
    {
        Architecture(name);
        var reference = weights ?? BackboneNames.DefaultWeights(name)
                        ?? throw new PipelineException($"Backbone '{name}' needs weights: a torchvision name such as resnet50-0676ba61, a .pth file, a URL, or none.");
        if (WeightsReference.Problem(reference, name) is { } problem)
            throw new PipelineException($"Cannot load backbone '{name}': {problem}.");
        return reference;
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
