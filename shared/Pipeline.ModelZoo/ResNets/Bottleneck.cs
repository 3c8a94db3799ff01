using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Pipeline.ModelZoo.ResNets;

/// <summary>1x1, 3x3 (with the stride, torchvision's "v1.5"), 1x1 convolutions with 4x expansion (resnet50+).</summary>
internal sealed class Bottleneck : Module<Tensor, Tensor>
{
    private readonly Module<Tensor, Tensor> conv1;
    private readonly Module<Tensor, Tensor> bn1;
    private readonly Module<Tensor, Tensor> conv2;
    private readonly Module<Tensor, Tensor> bn2;
    private readonly Module<Tensor, Tensor> conv3;
    private readonly Module<Tensor, Tensor> bn3;
    private readonly Module<Tensor, Tensor> relu;
    private readonly Module<Tensor, Tensor>? downsample;

    public Bottleneck(int inputs, int planes, int stride, Module<Tensor, Tensor>? downsample) : base(nameof(Bottleneck))
    {
        conv1 = Conv2d(inputs, planes, kernel_size: 1, bias: false);
        bn1 = BatchNorm2d(planes);
        conv2 = Conv2d(planes, planes, kernel_size: 3, stride: stride, padding: 1, bias: false);
        bn2 = BatchNorm2d(planes);
        conv3 = Conv2d(planes, planes * 4, kernel_size: 1, bias: false);
        bn3 = BatchNorm2d(planes * 4);
        relu = ReLU();
        this.downsample = downsample;
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = relu.call(bn1.call(conv1.call(input)));
        x = relu.call(bn2.call(conv2.call(x)));
        x = bn3.call(conv3.call(x));
        var identity = downsample is null ? input : downsample.call(input);
        return scope.MoveToOuter(relu.call(x + identity));
    }
}
