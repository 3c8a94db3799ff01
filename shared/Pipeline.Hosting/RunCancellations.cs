using System.Collections.Concurrent;
using Pipeline.Storage;

namespace Pipeline.Hosting;

/// <summary>
/// Per-run state inside one process: cancellation, and which runs it is working on. <see cref="RunCancelledConsumer"/>
/// trips a run's token when the orchestrator broadcasts <see cref="Contracts.RunCancelled"/>, and forgets the run when
/// it ends; long stages pass <see cref="TokenFor"/> down to their loops.
/// </summary>
/// <param name="store">Where the orchestrator leaves a durable cancel marker (the broadcast reaches only live processes).</param>
public sealed class RunCancellations(IObjectStore? store = null)
{
    /// <summary>How often running work looks for a cancel marker it may have missed the broadcast of.</summary>
    public static readonly TimeSpan MarkerPoll = TimeSpan.FromSeconds(15);

    private readonly ConcurrentDictionary<Guid, CancellationTokenSource> _runs = new();
    private readonly ConcurrentDictionary<Guid, int> _working = new();

    /// <summary>The runs a stage of this process is working on now (what its heartbeats report).</summary>
    public IReadOnlyList<Guid> ActiveRuns => [.. _working.Keys];

    /// <summary>Marks a run as worked on until the returned handle is disposed.</summary>
    public IDisposable Begin(Guid runId)
    {
        _working.AddOrUpdate(runId, 1, (_, count) => count + 1);
        return new Done(() => _working.AddOrUpdate(runId, 0, (_, count) => count - 1) is 0 && _working.TryRemove(new KeyValuePair<Guid, int>(runId, 0)));
    }

    private sealed class Done(Func<bool> release) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
                release();
        }
    }

    /// <summary>Runs this process holds an entry for (each costs a token source until the run ends).</summary>
    public int Count => _runs.Count;

    public CancellationToken TokenFor(Guid runId) => _runs.GetOrAdd(runId, _ => new CancellationTokenSource()).Token;

    public void Cancel(Guid runId) => _runs.GetOrAdd(runId, _ => new CancellationTokenSource()).Cancel();

    /// <summary>Whether the run was cancelled, by broadcast or by the durable marker; a marker found trips the run's token.</summary>
    public async Task<bool> IsCancelledAsync(Guid runId, CancellationToken cancellationToken = default)
    {
        if (_runs.TryGetValue(runId, out var source) && source.IsCancellationRequested)
            return true;
        if (store is null || !await store.ExistsAsync(ObjectKeys.CancelMarker(runId), cancellationToken))
            return false;
        Cancel(runId);
        return true;
    }

    /// <summary>The run ended: drop its entry. Work that still holds its token keeps seeing it cancelled or not, as it was.</summary>
    public void Forget(Guid runId) => _runs.TryRemove(runId, out _);
}
