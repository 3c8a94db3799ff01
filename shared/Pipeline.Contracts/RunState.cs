using System.Text.Json.Serialization;

namespace Pipeline.Contracts;

[JsonConverter(typeof(PascalCaseEnumConverter<RunState>))]
public enum RunState
{
    Submitted,
    Preprocessing,
    Training,
    Evaluating,
    Completed,
    Failed,
    Cancelled,

    /// <summary>The process doing the run's work died; the run waits to be resumed (the only way out of this state).</summary>
    Interrupted,
}
