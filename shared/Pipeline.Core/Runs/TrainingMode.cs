namespace Pipeline.Runs;

public enum TrainingMode
{
    /// <summary>Backbone frozen (BatchNorm in eval mode); only the new classifier head learns.</summary>
    Transfer,

    /// <summary>Every layer learns.</summary>
    Finetune,
}
