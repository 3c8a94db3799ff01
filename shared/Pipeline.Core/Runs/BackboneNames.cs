namespace Pipeline.Runs;

/// <summary>The backbones the model zoo offers, named here so that validation needs no libtorch.</summary>
public static class BackboneNames
{
    public const string ResNet50 = "resnet50";
    public const string MlNetResNet18 = "mlnet-resnet18";

    public static readonly IReadOnlyList<string> All = [ResNet50, MlNetResNet18];

    /// <summary>Backbones whose weights the user must supply (no model hub is assumed reachable).</summary>
    public static bool NeedsWeightsFile(string backbone) => backbone == ResNet50;
}
