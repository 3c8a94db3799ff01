using System.Security.Cryptography;
using System.Text;
using Pipeline.ModelZoo.Normalization;
using Pipeline.ModelZoo.ResNets;
using TorchSharp;
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

    /// <summary>A reduced-precision copy of <see cref="network"/> for frozen layers (not a registered module: never saved or trained).</summary>
    private ResNet? reduced;

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

    /// <summary>
    /// The dtype the frozen layers compute in: float32, or what <see cref="RunFrozenLayersIn"/> chose. Features come out
    /// as float32 either way.
    /// </summary>
    public ScalarType FrozenPrecision => reduced?.parameters().First().dtype ?? ScalarType.Float32;

    /// <summary>
    /// Runs <see cref="forward"/> and <see cref="ForwardToLastStage"/> on a copy of the network in <paramref name="precision"/>
    /// (e.g. bfloat16 on a GPU, where TorchSharp has no autocast), on the network's device. The float32 weights stay
    /// as they were, so a saved model and the weights' hash never change; only frozen layers may use the copy, since it
    /// never learns. Call it after moving the backbone to its device.
    /// </summary>
    public void RunFrozenLayersIn(ScalarType precision)
    {
        reduced?.Dispose();
        reduced = null;
        if (precision == ScalarType.Float32)
            return;
        var copy = new ResNet(network.Architecture);
        using (no_grad())
            copy.load_state_dict(network.state_dict());
        copy.to(network.parameters().First().device).to(precision).eval();
        reduced = copy;
    }

    /// <summary>All of the backbone; on the reduced-precision copy when there is one, which only a wholly frozen backbone (transfer mode) makes.</summary>
    public override Tensor forward(Tensor images)
    {
        using var scope = NewDisposeScope();
        var net = reduced ?? network;
        return scope.MoveToOuter(net.call(normalizer.call(images).to(FrozenPrecision)).to(ScalarType.Float32));
    }

    /// <summary>The input normalisation and the stages before the last (partial mode keeps them frozen), in the frozen precision; float32 out.</summary>
    public Tensor ForwardToLastStage(Tensor images)
    {
        using var scope = NewDisposeScope();
        var net = reduced ?? network;
        return scope.MoveToOuter(net.ForwardToLastStage(normalizer.call(images).to(FrozenPrecision)).to(ScalarType.Float32));
    }

    /// <summary>The last stage and the pooling in float32 (partial mode trains them).</summary>
    public Tensor ForwardLastStage(Tensor x) => network.ForwardLastStage(x);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            reduced?.Dispose();
        base.Dispose(disposing);
    }
}
