using System.Text.RegularExpressions;

namespace Pipeline.Contracts;

/// <summary>
/// How a specification names backbone weights, never by a path a worker would open: <see cref="None"/> (random
/// initialisation), a known name (<see cref="KnownNames"/>: torchvision's file names, downloaded once into the
/// worker's weights cache), <c>store:&lt;key&gt;</c> for a state_dict in the object store (the CLI copies a local file
/// there once, under its content hash), or an http(s) URL of a torchvision-style file whose name carries the start of
/// its sha256 (a worker downloads it only from hosts its operator allows).
/// </summary>
public static partial class WeightsReference
{
    public const string StorePrefix = "store:";

    /// <summary>The longest reference a specification may hold: a URL's practical bound (a store key is at most 1024).</summary>
    public const int MaxLength = 2048;

    /// <summary>No pretrained weights: torchvision's random initialisation.</summary>
    public const string None = "none";

    /// <summary>The ImageNet ResNet shipped in the NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18 (offline).</summary>
    public const string MlNetResNet18 = "mlnet-resnet18";

    // torchvision's ImageNet weights by file name (torchvision/models/resnet.py): <model>-<first 8 hex digits of the
    // file's sha256>; V1 is IMAGENET1K_V1, V2 the IMAGENET1K_V2 retraining where torchvision has one.
    public const string ResNet18V1 = "resnet18-f37072fd";
    public const string ResNet34V1 = "resnet34-b627a593";
    public const string ResNet50V1 = "resnet50-0676ba61";
    public const string ResNet50V2 = "resnet50-11ad3fa6";
    public const string ResNet101V1 = "resnet101-63fe2227";
    public const string ResNet101V2 = "resnet101-cd907fc2";
    public const string ResNet152V1 = "resnet152-394f9c45";
    public const string ResNet152V2 = "resnet152-f82ba261";

    /// <summary>Where torchvision publishes the known names' files (<c>&lt;name&gt;.pth</c>).</summary>
    public const string TorchvisionBaseUrl = "https://download.pytorch.org/models/";

    /// <summary>Known names and the backbone each belongs to.</summary>
    public static readonly IReadOnlyDictionary<string, string> KnownNames = new Dictionary<string, string>
    {
        [MlNetResNet18] = BackboneNames.MlNetResNet18,
        [ResNet18V1] = BackboneNames.ResNet18,
        [ResNet34V1] = BackboneNames.ResNet34,
        [ResNet50V1] = BackboneNames.ResNet50,
        [ResNet50V2] = BackboneNames.ResNet50,
        [ResNet101V1] = BackboneNames.ResNet101,
        [ResNet101V2] = BackboneNames.ResNet101,
        [ResNet152V1] = BackboneNames.ResNet152,
        [ResNet152V2] = BackboneNames.ResNet152,
    };

    public static string Store(string key) => StorePrefix + key;

    /// <summary>The object key of a <c>store:</c> reference; null for anything else.</summary>
    public static string? StoreKey(string reference) =>
        reference.StartsWith(StorePrefix, StringComparison.Ordinal) ? reference[StorePrefix.Length..] : null;

    /// <summary>The URL of a reference that is one; null for anything else.</summary>
    public static Uri? Url(string reference) =>
        Uri.TryCreate(reference, UriKind.Absolute, out var url) && url.Scheme is "http" or "https" ? url : null;

    /// <summary>The file a downloadable reference (a known torchvision name or a URL) is cached as, and where it comes from;
    /// null for references that are not downloaded.</summary>
    public static (string FileName, Uri Source)? Download(string reference, string torchvisionBaseUrl = TorchvisionBaseUrl)
    {
        if (Url(reference) is { } url)
            return (url.Segments[^1], url);
        return KnownNames.TryGetValue(reference, out var backbone) && backbone != BackboneNames.MlNetResNet18
            ? ($"{reference}.pth", new Uri(new Uri(torchvisionBaseUrl), $"{reference}.pth"))
            : null;
    }

    /// <summary>The start of the sha256 that a torchvision-style file name carries (<c>resnet50-0676ba61.pth</c> gives
    /// <c>0676ba61</c>), as torch.hub checks it; null when the name has none.</summary>
    public static string? HashPrefix(string fileName) => HashedFileName().Match(fileName) is { Success: true } match ? match.Groups[1].Value : null;

    /// <summary>Why <paramref name="reference"/> cannot name weights for <paramref name="backbone"/>; null when it can.</summary>
    public static string? Problem(string reference, string backbone)
    {
        if (StoreKey(reference) is { } key)
            return StoreKeyPattern().IsMatch(key) ? null : $"{ValidationErrors.Quote(reference)} does not name an object: use store:<key>, e.g. store:weights/<sha256>.pth";
        var torchvision = BackboneNames.Torchvision.Contains(backbone);
        if (reference == None)
            return torchvision ? null : $"backbone '{backbone}' has no random initialisation: use a torchvision backbone ({string.Join(", ", BackboneNames.Torchvision)}) with --weights none";
        if (Url(reference) is { } url)
        {
            if (!torchvision)
                return $"backbone '{backbone}' takes no downloaded weights; URLs name torchvision state_dicts for {string.Join(", ", BackboneNames.Torchvision)}";
            return HashPrefix(url.Segments[^1]) is null
                ? $"the file name in {ValidationErrors.Quote(reference)} must carry the start of its sha256 as torchvision's do (e.g. resnet50-0676ba61.pth), so that the download can be checked"
                : null;
        }
        if (!KnownNames.TryGetValue(reference, out var owner))
            return $"unknown weights {ValidationErrors.Quote(reference)}: use {None}, a known name ({string.Join(", ", KnownNames.Keys)}), store:<key> for a state_dict " +
                   "in the object store, or an https URL of a torchvision .pth file";
        return owner == backbone ? null : $"weights {ValidationErrors.Quote(reference)} belong to backbone '{owner}', not '{backbone}'";
    }

    // Relative, '/'-separated, no empty, '.' or '..' segments: the object store's own key rules, checked here without it.
    [GeneratedRegex(@"^(?!.*(^|/)\.{1,2}(/|$))[^/\\:\x00-\x1f][^\\:\x00-\x1f]{0,1023}$")]
    private static partial Regex StoreKeyPattern();

    // torch.hub's rule (name-<hex>.ext), limited to characters that are safe as a file name in the cache.
    [GeneratedRegex(@"^[A-Za-z0-9_.-]+-([0-9a-f]{8,64})\.[A-Za-z0-9]+$")]
    private static partial Regex HashedFileName();
}
