namespace Pipeline.ModelZoo.ResNets;

public enum ResNetBlockKind
{
    Basic,
    Bottleneck,
}
