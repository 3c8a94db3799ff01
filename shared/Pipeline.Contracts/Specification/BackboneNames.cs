namespace Pipeline.Contracts;

/// <summary>The backbones the model zoo offers, named here so that validation needs no libtorch.</summary>
public static class BackboneNames
{
    public const string ResNet18 = "resnet18";
    public const string ResNet34 = "resnet34";
    public const string ResNet50 = "resnet50";
    public const string ResNet101 = "resnet101";
    public const string ResNet152 = "resnet152";
    public const string MlNetResNet18 = "mlnet-resnet18";

    /// <summary>The backbones in torchvision's layout: their weights are torchvision state_dicts, or none.</summary>
    public static readonly IReadOnlyList<string> Torchvision = [ResNet18, ResNet34, ResNet50, ResNet101, ResNet152];

    public static readonly IReadOnlyList<string> All = [.. Torchvision, MlNetResNet18];

    /// <summary>The weights a backbone uses when the specification names none; null when the user must name them.</summary>
    public static string? DefaultWeights(string backbone) => backbone == MlNetResNet18 ? WeightsReference.MlNetResNet18 : null;
}
