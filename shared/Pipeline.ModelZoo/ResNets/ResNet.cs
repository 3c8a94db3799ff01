using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Pipeline.ModelZoo.ResNets;

/// <summary>
/// A ResNet in torchvision's layout: field names are the state_dict names, so torchvision weights load without renaming.
/// With <c>numClasses</c> null it ends at the pooled features (no <c>fc</c>), which is how backbones use it.
/// </summary>
public sealed class ResNet : Module<Tensor, Tensor>
{
    private readonly Module<Tensor, Tensor> conv1;
    private readonly Module<Tensor, Tensor> bn1;
    private readonly Module<Tensor, Tensor> relu;
    private readonly Module<Tensor, Tensor> maxpool;
    private readonly Module<Tensor, Tensor> layer1;
    private readonly Module<Tensor, Tensor> layer2;
    private readonly Module<Tensor, Tensor> layer3;
    private readonly Module<Tensor, Tensor> layer4;
    private readonly Module<Tensor, Tensor> avgpool;
    private readonly Module<Tensor, Tensor>? fc;

    public ResNet(ResNetArchitecture architecture, int? numClasses = null, string name = "ResNet") : base(name)
    {
        if (architecture.Layers.Count != 4)
            throw new ArgumentException("A ResNet has four stages.", nameof(architecture));
        Architecture = architecture;
        conv1 = Conv2d(3, 64, kernel_size: 7, stride: 2, padding: 3, bias: false);
        bn1 = BatchNorm2d(64);
        relu = ReLU();
        maxpool = MaxPool2d(kernel_size: 3, stride: 2, padding: 1);
        var inputs = 64;
        layer1 = Stage(architecture, ref inputs, 64, architecture.Layers[0], stride: 1);
        layer2 = Stage(architecture, ref inputs, 128, architecture.Layers[1], stride: 2);
        layer3 = Stage(architecture, ref inputs, 256, architecture.Layers[2], stride: 2);
        layer4 = Stage(architecture, ref inputs, 512, architecture.Layers[3], stride: 2);
        avgpool = AdaptiveAvgPool2d(1);
        fc = numClasses is { } classes ? Linear(architecture.FeatureCount, classes) : null;
        RegisterComponents();
        InitializeAsTorchvision();
    }

    public ResNetArchitecture Architecture { get; }

    /// <summary>The last residual stage (layer4), which partial training unfreezes.</summary>
    public Module<Tensor, Tensor> LastStage => layer4;

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = ForwardLastStage(ForwardToLastStage(input));
        return scope.MoveToOuter(fc is null ? x : fc.call(x));
    }

    /// <summary>The stem and the stages before the last: what partial training keeps frozen.</summary>
    public Tensor ForwardToLastStage(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = maxpool.call(relu.call(bn1.call(conv1.call(input))));
        return scope.MoveToOuter(layer3.call(layer2.call(layer1.call(x))));
    }

    /// <summary>The last stage and the pooling, from <see cref="ForwardToLastStage"/>'s output to the pooled features (no <c>fc</c>).</summary>
    public Tensor ForwardLastStage(Tensor x)
    {
        using var scope = NewDisposeScope();
        return scope.MoveToOuter(avgpool.call(layer4.call(x)).flatten(1));
    }

    /// <summary>Each convolution's state_dict prefix paired with its BatchNorm's, in the order the forward pass runs them
    /// (a block's downsample first, as exporters emit it).</summary>
    public IEnumerable<(string Conv, string BatchNorm)> ConvBatchNormPairs()
    {
        yield return ("conv1", "bn1");
        var convsPerBlock = Architecture.Block == ResNetBlockKind.Basic ? 2 : 3;
        for (var stage = 0; stage < 4; stage++)
            for (var block = 0; block < Architecture.Layers[stage]; block++)
            {
                var prefix = $"layer{stage + 1}.{block}.";
                if (block == 0 && HasDownsample(stage))
                    yield return (prefix + "downsample.0", prefix + "downsample.1");
                for (var i = 1; i <= convsPerBlock; i++)
                    yield return ($"{prefix}conv{i}", $"{prefix}bn{i}");
            }
    }

    /// <summary>torchvision's initialisation, so that <c>--weights none</c> starts where PyTorch would: Kaiming normal
    /// (fan out, ReLU) for convolutions; BatchNorm weight 1 and bias 0 are already libtorch's defaults.</summary>
    private void InitializeAsTorchvision()
    {
        using var noGrad = no_grad();
        foreach (var module in modules().OfType<Conv2d>())
            init.kaiming_normal_(module.weight, mode: init.FanInOut.FanOut, nonlinearity: init.NonlinearityType.ReLU);
    }

    private bool HasDownsample(int stage) => stage > 0 || Architecture.Expansion != 1;

    private static Sequential Stage(ResNetArchitecture architecture, ref int inputs, int planes, int blocks, int stride)
    {
        var outputs = planes * architecture.Expansion;
        var modules = new List<Module<Tensor, Tensor>>();
        for (var i = 0; i < blocks; i++)
        {
            var blockStride = i == 0 ? stride : 1;
            var downsample = blockStride != 1 || inputs != outputs
                ? Sequential(Conv2d(inputs, outputs, kernel_size: 1, stride: blockStride, bias: false), BatchNorm2d(outputs))
                : null;
            modules.Add(architecture.Block == ResNetBlockKind.Basic
                ? new BasicBlock(inputs, planes, blockStride, downsample)
                : new Bottleneck(inputs, planes, blockStride, downsample));
            inputs = outputs;
        }
        return Sequential(modules);
    }
}
