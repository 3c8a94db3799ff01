namespace Pipeline.ModelZoo.ResNets;

/// <summary>The block type and block count per stage (layer1..layer4) of a ResNet.</summary>
public sealed record ResNetArchitecture(ResNetBlockKind Block, IReadOnlyList<int> Layers)
{
    // torchvision's five ImageNet ResNets (torchvision/models/resnet.py).
    public static readonly ResNetArchitecture ResNet18 = new(ResNetBlockKind.Basic, [2, 2, 2, 2]);
    public static readonly ResNetArchitecture ResNet34 = new(ResNetBlockKind.Basic, [3, 4, 6, 3]);
    public static readonly ResNetArchitecture ResNet50 = new(ResNetBlockKind.Bottleneck, [3, 4, 6, 3]);
    public static readonly ResNetArchitecture ResNet101 = new(ResNetBlockKind.Bottleneck, [3, 4, 23, 3]);
    public static readonly ResNetArchitecture ResNet152 = new(ResNetBlockKind.Bottleneck, [3, 8, 36, 3]);

    /// <summary>The ImageNet ResNet that ML.NET ships as ONNX: layer4 has three blocks, unlike torchvision's resnet18.</summary>
    public static readonly ResNetArchitecture MlNetResNet18 = new(ResNetBlockKind.Basic, [2, 2, 2, 3]);

    public int Expansion => Block == ResNetBlockKind.Basic ? 1 : 4;

    /// <summary>Width of the pooled features that feed the classifier head.</summary>
    public int FeatureCount => 512 * Expansion;
}
