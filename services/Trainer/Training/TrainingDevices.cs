using Pipeline.Contracts;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Trainer.Training;

public static class TrainingDevices
{
    /// <summary>The device a trial computes on: auto picks CUDA when libtorch has it and sees a GPU.</summary>
    /// <exception cref="PipelineException">CUDA was asked for and this trainer cannot use it.</exception>
    public static Device Resolve(TrainingDevice device) => device switch
    {
        TrainingDevice.Cpu => CPU,
        TrainingDevice.Cuda when cuda.is_available() => CUDA,
        TrainingDevice.Cuda => throw new PipelineException(
            "training.device is cuda, but this trainer cannot use CUDA: its libtorch is the CPU build, or the machine has no NVIDIA GPU or driver. " +
            "Build the trainer with -p:LibTorchFlavor=cuda-12.8 on a machine with an NVIDIA driver (see docs/training.md), or train with --device auto or cpu."),
        _ => cuda.is_available() ? CUDA : CPU,
    };

    /// <summary>The dtype frozen layers run in: bfloat16 on a GPU (TorchSharp has no autocast), float32 on a CPU, where bfloat16 is slower.</summary>
    public static ScalarType FrozenPrecision(Device device) => device.type == DeviceType.CUDA ? ScalarType.BFloat16 : ScalarType.Float32;
}
