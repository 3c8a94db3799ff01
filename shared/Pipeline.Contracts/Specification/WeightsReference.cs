using System.Text.RegularExpressions;

namespace Pipeline.Contracts;

/// <summary>
/// How a specification names backbone weights, never by a path a worker would open: a known name
/// (<see cref="KnownNames"/>), or <c>store:&lt;key&gt;</c> for a state_dict in the object store (the CLI copies a
/// local file there once, under its content hash).
/// </summary>
public static partial class WeightsReference
{
    public const string StorePrefix = "store:";

    /// <summary>The ImageNet ResNet shipped in the NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18 (offline).</summary>
    public const string MlNetResNet18 = "mlnet-resnet18";

    /// <summary>torchvision's ResNet50 ImageNet weights by file name (v1 and v2), found in the local weights cache.</summary>
    public const string ResNet50V1 = "resnet50-0676ba61";
    public const string ResNet50V2 = "resnet50-11ad3fa6";

    /// <summary>Known names and the backbone each belongs to.</summary>
    public static readonly IReadOnlyDictionary<string, string> KnownNames = new Dictionary<string, string>
    {
        [MlNetResNet18] = BackboneNames.MlNetResNet18,
        [ResNet50V1] = BackboneNames.ResNet50,
        [ResNet50V2] = BackboneNames.ResNet50,
    };

    public static string Store(string key) => StorePrefix + key;

    /// <summary>The object key of a <c>store:</c> reference; null for a known name.</summary>
    public static string? StoreKey(string reference) =>
        reference.StartsWith(StorePrefix, StringComparison.Ordinal) ? reference[StorePrefix.Length..] : null;

    /// <summary>Why <paramref name="reference"/> cannot name weights for <paramref name="backbone"/>; null when it can.</summary>
    public static string? Problem(string reference, string backbone)
    {
        if (StoreKey(reference) is { } key)
            return StoreKeyPattern().IsMatch(key) ? null : $"'{reference}' does not name an object: use store:<key>, e.g. store:weights/<sha256>.pth";
        if (!KnownNames.TryGetValue(reference, out var owner))
            return $"unknown weights '{reference}': use one of {string.Join(", ", KnownNames.Keys)}, or store:<key> for a state_dict in the object store";
        return owner == backbone ? null : $"weights '{reference}' belong to backbone '{owner}', not '{backbone}'";
    }

    // Relative, '/'-separated, no empty, '.' or '..' segments: the object store's own key rules, checked here without it.
    [GeneratedRegex(@"^(?!.*(^|/)\.{1,2}(/|$))[^/\\:\x00-\x1f][^\\:\x00-\x1f]{0,1023}$")]
    private static partial Regex StoreKeyPattern();
}
