using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Pipeline.ModelZoo.ResNets;

/// <summary>Two 3x3 convolutions with a residual connection (resnet18/34).</summary>
internal sealed class BasicBlock : Module<Tensor, Tensor>
{
    private readonly Module<Tensor, Tensor> conv1;
    private readonly Module<Tensor, Tensor> bn1;
    private readonly Module<Tensor, Tensor> relu;
    private readonly Module<Tensor, Tensor> conv2;
    private readonly Module<Tensor, Tensor> bn2;
    private readonly Module<Tensor, Tensor>? downsample;

    public BasicBlock(int inputs, int planes, int stride, Module<Tensor, Tensor>? downsample) : base(nameof(BasicBlock))
    {
        conv1 = Conv2d(inputs, planes, kernel_size: 3, stride: stride, padding: 1, bias: false);
        bn1 = BatchNorm2d(planes);
        relu = ReLU();
        conv2 = Conv2d(planes, planes, kernel_size: 3, stride: 1, padding: 1, bias: false);
        bn2 = BatchNorm2d(planes);
        this.downsample = downsample;
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = relu.call(bn1.call(conv1.call(input)));
        x = bn2.call(conv2.call(x));
        var identity = downsample is null ? input : downsample.call(input);
        return scope.MoveToOuter(relu.call(x + identity));
    }
}
