using System.Collections.Concurrent;

namespace Pipeline.Hosting;

/// <summary>
/// Per-run cancellation inside one process. <see cref="RunCancelledConsumer"/> trips it when the orchestrator
/// broadcasts <see cref="Contracts.RunCancelled"/>, and forgets the run when it ends; long stages pass
/// <see cref="TokenFor"/> down to their loops.
/// </summary>
public sealed class RunCancellations
{
    private readonly ConcurrentDictionary<Guid, CancellationTokenSource> _runs = new();

    /// <summary>Runs this process holds an entry for (each costs a token source until the run ends).</summary>
    public int Count => _runs.Count;

    public CancellationToken TokenFor(Guid runId) => _runs.GetOrAdd(runId, _ => new CancellationTokenSource()).Token;

    public void Cancel(Guid runId) => _runs.GetOrAdd(runId, _ => new CancellationTokenSource()).Cancel();

    /// <summary>The run ended: drop its entry. Work that still holds its token keeps seeing it cancelled or not, as it was.</summary>
    public void Forget(Guid runId) => _runs.TryRemove(runId, out _);
}
