using MassTransit;
using Pipeline.Contracts;

namespace Pipeline.Trainer;

/// <summary>
/// This trainer's lease on one trial: renewed in the background while the trial trains, given back when done. When a
/// renewal is refused (the run was cancelled, or the lease was lost) <see cref="Lost"/> fires and training stops.
/// A renewal that gets no answer (the orchestrator is restarting) is tried again until the lease would have expired.
/// </summary>
public sealed class TrialLease : IAsyncDisposable
{
    private readonly IRequestClient<RenewTrialLease> _renewals;
    private readonly ISendEndpointProvider _sender;
    private readonly RenewTrialLease _renewal;
    private readonly CancellationTokenSource _lost = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly ILogger _logger;
    private readonly Task _heartbeat;
    private DateTimeOffset _expiresAt;
    private bool _givenBack;

    private TrialLease(TrialLeaseGranted granted, IRequestClient<RenewTrialLease> renewals, ISendEndpointProvider sender, ILogger logger)
    {
        _renewals = renewals;
        _sender = sender;
        _logger = logger;
        _renewal = new RenewTrialLease(granted.RunId, granted.TrialId, granted.Holder);
        _expiresAt = granted.ExpiresAt;
        _heartbeat = RenewAsync(granted.RenewEvery);
    }

    /// <summary>Cancelled when the trial is no longer this trainer's to train.</summary>
    public CancellationToken Lost => _lost.Token;

    /// <returns>The lease, or null with the reason when the trial is not this trainer's (a duplicate command, an ended run).</returns>
    public static async Task<(TrialLease? Lease, string? Refusal)> AcquireAsync(AcquireTrialLease request, IRequestClient<AcquireTrialLease> acquisitions,
        IRequestClient<RenewTrialLease> renewals, ISendEndpointProvider sender, ILogger logger, CancellationToken cancellationToken)
    {
        var response = await acquisitions.GetResponse<TrialLeaseGranted, TrialLeaseDenied>(request, cancellationToken);
        return response.Is(out Response<TrialLeaseGranted>? granted)
            ? (new TrialLease(granted.Message, renewals, sender, logger), null)
            : (null, response.Is(out Response<TrialLeaseDenied>? denied) ? denied.Message.Reason : "the lease was refused");
    }

    private async Task RenewAsync(TimeSpan every)
    {
        using var timer = new PeriodicTimer(every);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                try
                {
                    var response = await _renewals.GetResponse<TrialLeaseGranted, TrialLeaseDenied>(_renewal, _stop.Token, RequestTimeout.After(s: 15));
                    if (response.Is(out Response<TrialLeaseGranted>? granted))
                        _expiresAt = granted.Message.ExpiresAt;
                    else if (response.Is(out Response<TrialLeaseDenied>? denied))
                    {
                        _logger.LogWarning("Run {RunId} trial {TrialId}: stopping, {Reason}", _renewal.RunId, _renewal.TrialId, denied.Message.Reason);
                        await _lost.CancelAsync();
                        return;
                    }
                }
                catch (RequestTimeoutException) when (DateTimeOffset.UtcNow < _expiresAt)
                {
                    // No answer yet, and the lease still runs: try again at the next beat.
                }
                catch (RequestTimeoutException)
                {
                    _logger.LogWarning("Run {RunId} trial {TrialId}: stopping, the lease expired without an answer to its renewal", _renewal.RunId, _renewal.TrialId);
                    await _lost.CancelAsync();
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // The trial is done.
        }
    }

    /// <summary>The trial did not end here (this process is stopping): on release the orchestrator sends it to another trainer at once.</summary>
    public void GiveBack() => _givenBack = true;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _heartbeat;
        if (!_lost.IsCancellationRequested)
        {
            var orchestrator = await _sender.GetSendEndpoint(new Uri($"queue:{StageQueues.Orchestrator}"));
            await orchestrator.Send(new ReleaseTrialLease(_renewal.RunId, _renewal.TrialId, _renewal.Holder, _givenBack));
        }
        _stop.Dispose();
        _lost.Dispose();
    }
}
