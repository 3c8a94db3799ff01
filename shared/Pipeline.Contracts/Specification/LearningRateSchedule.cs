using System.Text.Json.Serialization;

namespace Pipeline.Contracts;

/// <summary>How the learning rate changes over a trial's epochs.</summary>
[JsonConverter(typeof(StrictEnumConverter<LearningRateSchedule>))]
public enum LearningRateSchedule
{
    /// <summary>The same learning rate in every epoch.</summary>
    Constant,

    /// <summary>Cosine annealing from the learning rate in epoch 1 towards zero after the last epoch.</summary>
    Cosine,
}
