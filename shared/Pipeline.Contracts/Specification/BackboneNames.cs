namespace Pipeline.Contracts;

/// <summary>The backbones the model zoo offers, named here so that validation needs no libtorch.</summary>
public static class BackboneNames
{
    public const string ResNet50 = "resnet50";
    public const string MlNetResNet18 = "mlnet-resnet18";

    public static readonly IReadOnlyList<string> All = [ResNet50, MlNetResNet18];

    /// <summary>The weights a backbone uses when the specification names none; null when the user must name them.</summary>
    public static string? DefaultWeights(string backbone) => backbone == MlNetResNet18 ? WeightsReference.MlNetResNet18 : null;
}
