using System.Diagnostics;
using System.Text.Json;
using Pipeline.Contracts;

namespace Pipeline.Orchestrator.Runs;

/// <summary>
/// A message saved in the run database in the transaction of the state change that caused it, and sent once that
/// transaction committed. <paramref name="TraceParent"/> is the W3C trace context of the change, so that the work the
/// message causes joins the run's trace even when it is sent after a restart.
/// </summary>
public sealed record OutboxMessage(Guid? RunId, string Type, string Body, string? TraceParent)
{
    /// <summary>The row id, in the order messages were saved; 0 before it is saved.</summary>
    public long Id { get; init; }

    public static OutboxMessage Of(object message, Guid? runId) =>
        new(runId, message.GetType().FullName!, JsonSerializer.Serialize(message, message.GetType(), PipelineJson.Compact), Activity.Current?.Id);

    /// <summary>The message again, as the contract type it was saved as.</summary>
    public object Message()
    {
        var type = typeof(SubmitRun).Assembly.GetType(Type, throwOnError: true)!;
        return JsonSerializer.Deserialize(Body, type, PipelineJson.Compact)
               ?? throw new InvalidDataException($"Outbox message {Id} ({Type}) holds JSON null.");
    }
}
