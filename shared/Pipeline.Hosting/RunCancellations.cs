using System.Collections.Concurrent;

namespace Pipeline.Hosting;

/// <summary>
/// Per-run cancellation inside one process. <see cref="RunCancelledConsumer"/> trips it when the orchestrator
/// broadcasts <see cref="Contracts.RunCancelled"/>; long stages pass <see cref="TokenFor"/> down to their loops.
/// </summary>
public sealed class RunCancellations
{
    private readonly ConcurrentDictionary<Guid, CancellationTokenSource> _runs = new();

    public CancellationToken TokenFor(Guid runId) => _runs.GetOrAdd(runId, _ => new CancellationTokenSource()).Token;

    public void Cancel(Guid runId) => _runs.GetOrAdd(runId, _ => new CancellationTokenSource()).Cancel();

    public bool IsCancelled(Guid runId) => _runs.TryGetValue(runId, out var source) && source.IsCancellationRequested;
}
