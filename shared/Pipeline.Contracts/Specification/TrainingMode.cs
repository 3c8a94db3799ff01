using System.Text.Json.Serialization;

namespace Pipeline.Contracts;

[JsonConverter(typeof(StrictEnumConverter<TrainingMode>))]
public enum TrainingMode
{
    /// <summary>Backbone frozen (BatchNorm in eval mode); only the new classifier head learns.</summary>
    Transfer,

    /// <summary>Every layer learns.</summary>
    Finetune,
}
