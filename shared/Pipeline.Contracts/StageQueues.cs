namespace Pipeline.Contracts;

/// <summary>
/// The durable queues that take each stage's commands, named here so that every sender (and a worker written in
/// another language) agrees on them. Commands are sent to these queues, not published: a queue exists as soon as
/// anything sends to it, so a command sent before its stage ever started waits there instead of being dropped.
/// </summary>
public static class StageQueues
{
    /// <summary>Takes <see cref="PreprocessDataset"/> and <see cref="AssembleDataset"/>.</summary>
    public const string Preprocessor = "preprocess-dataset";

    /// <summary>Takes <see cref="PreprocessChunk"/>; every preprocessor consumes from it, so the chunks of one dataset are shared out.</summary>
    public const string PreprocessorChunks = "preprocess-chunk";

    /// <summary>Takes <see cref="TrainModel"/>; every trainer consumes from it, one trial at a time.</summary>
    public const string Trainer = "train-model";

    /// <summary>Takes <see cref="EvaluateModel"/>.</summary>
    public const string Evaluator = "evaluate-model";

    /// <summary>The queues of the stages' commands (long work: retried in rounds minutes apart before they fail a run).</summary>
    public static readonly IReadOnlyList<string> Commands = [Preprocessor, PreprocessorChunks, Trainer, Evaluator];

    /// <summary>The orchestrator's: client commands (<see cref="SubmitRun"/>, <see cref="CancelRun"/>, <see cref="ResumeRun"/>) and every stage event.</summary>
    public const string Orchestrator = "run-events";
}
