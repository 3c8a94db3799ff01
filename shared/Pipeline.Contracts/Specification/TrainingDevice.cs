using System.Text.Json.Serialization;

namespace Pipeline.Contracts;

/// <summary>Where a trial computes.</summary>
[JsonConverter(typeof(StrictEnumConverter<TrainingDevice>))]
public enum TrainingDevice
{
    /// <summary>CUDA when the trainer's libtorch has it and sees a GPU, otherwise the CPU.</summary>
    Auto,

    Cpu,

    /// <summary>The first CUDA GPU; a trial fails before any work when there is none.</summary>
    Cuda,
}
