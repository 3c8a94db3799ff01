using System.Security.Cryptography;
using System.Text;
using Pipeline.ModelZoo.Normalization;
using Pipeline.ModelZoo.ResNets;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Pipeline.ModelZoo.Backbones;

/// <summary>
/// A pretrained feature extractor: its input normalisation and a ResNet without <c>fc</c>. Maps a uint8 NHWC RGB
/// batch to [N, <see cref="FeatureCount"/>] features. Identified by name plus the sha256 of the weights it came from.
/// </summary>
public sealed class Backbone : Module<Tensor, Tensor>
{
    private readonly InputNormalizer normalizer;
    private readonly ResNet network;

    public Backbone(string name, string weightsSha256, InputNormalization normalization, int inputHeight, int inputWidth, Tensor? meanImage = null)
        : base(nameof(Backbone))
    {
        Name = name;
        WeightsSha256 = weightsSha256;
        InputHeight = inputHeight;
        InputWidth = inputWidth;
        normalizer = new InputNormalizer(normalization, inputHeight, inputWidth, meanImage);
        network = new ResNet(BackboneRegistry.Architecture(name));
        RegisterComponents();
    }

    /// <summary>
    /// A backbone with torchvision's random initialisation, drawn from libtorch's current seed (<c>--weights none</c>),
    /// identified by the sha256 of the weights drawn: the same seed gives the same weights and the same identity.
    /// </summary>
    public static Backbone Untrained(string name, int inputSize)
    {
        var backbone = new Backbone(name, weightsSha256: "", InputNormalization.ImageNet, inputSize, inputSize);
        backbone.WeightsSha256 = ContentSha256(backbone.network);
        return backbone;
    }

    public string Name { get; }
    public string WeightsSha256 { get; private set; }
    public int InputHeight { get; }
    public int InputWidth { get; }
    public int FeatureCount => network.Architecture.FeatureCount;
    public InputNormalization Normalization => normalizer.Normalization;

    /// <summary>A per-pixel mean image fixes the input size; per-channel normalisation takes any size.</summary>
    public bool Accepts(int imageSize) => !normalizer.HasMeanImage || (imageSize == InputWidth && imageSize == InputHeight);

    /// <summary>The torchvision-layout network, for loading torchvision state_dicts into it.</summary>
    public ResNet Network => network;

    private static string ContentSha256(ResNet network)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (key, tensor) in network.state_dict().OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(key));
            using var cpu = tensor.detach().cpu().contiguous();
            hash.AppendData(cpu.bytes);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    public override Tensor forward(Tensor images)
    {
        using var scope = NewDisposeScope();
        return scope.MoveToOuter(network.call(normalizer.call(images)));
    }
}
