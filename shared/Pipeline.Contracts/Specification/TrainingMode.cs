using System.Text.Json.Serialization;

namespace Pipeline.Contracts;

[JsonConverter(typeof(StrictEnumConverter<TrainingMode>))]
public enum TrainingMode
{
    /// <summary>Backbone frozen (BatchNorm in eval mode); only the new classifier head learns.</summary>
    Transfer,

    /// <summary>Every layer learns.</summary>
    Finetune,

    /// <summary>The backbone's last residual stage (layer4) and the head learn; the stages before it stay frozen.</summary>
    Partial,
}
