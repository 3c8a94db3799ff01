using Microsoft.Extensions.Options;
using Pipeline.Contracts;

namespace Pipeline.Orchestrator.Runs;

/// <summary>
/// Who may train which trial. A trial is leased to one trainer at a time, and only while it is training: a duplicate
/// command finds the lease taken and stands down, a command for a cancelled or finished run is refused, and a trainer
/// that stops renewing loses the trial, which <see cref="RunCoordinator.ResendExpiredTrialsAsync"/> sends again.
/// </summary>
public sealed class TrialLeases(RunStore runs, IOptions<OrchestratorOptions> options, TimeProvider clock, ILogger<TrialLeases> logger)
{
    private TimeSpan Period => options.Value.TrialLease;

    /// <returns>A <see cref="TrialLeaseGranted"/> or a <see cref="TrialLeaseDenied"/>.</returns>
    public object Acquire(AcquireTrialLease request)
    {
        if (NotTraining(request.RunId, request.TrialId) is { } reason)
            return new TrialLeaseDenied(request.RunId, request.TrialId, reason);
        var now = clock.GetUtcNow();
        if (!runs.TryAcquireLease(request.RunId, request.TrialId, request.Holder, now, now + Period))
            return new TrialLeaseDenied(request.RunId, request.TrialId, "another trainer holds the trial");
        logger.LogInformation("Run {RunId} trial {TrialId} leased to {Holder}", request.RunId, request.TrialId, request.Holder);
        return Granted(request.RunId, request.TrialId, request.Holder, now);
    }

    /// <returns>A <see cref="TrialLeaseGranted"/> with the new expiry, or a <see cref="TrialLeaseDenied"/> when the holder must stop.</returns>
    public object Renew(RenewTrialLease request)
    {
        if (NotTraining(request.RunId, request.TrialId) is { } reason)
        {
            runs.ReleaseLease(request.RunId, request.TrialId, request.Holder);
            return new TrialLeaseDenied(request.RunId, request.TrialId, reason);
        }
        var now = clock.GetUtcNow();
        return runs.TryRenewLease(request.RunId, request.TrialId, request.Holder, now, now + Period)
            ? Granted(request.RunId, request.TrialId, request.Holder, now)
            : new TrialLeaseDenied(request.RunId, request.TrialId, "the lease expired and the trial went to another trainer");
    }

    /// <summary>Ends a lease; an unfinished trial's lease is left expired, for <see cref="RunCoordinator.ResendExpiredTrialsAsync"/> to send again.</summary>
    public void Release(ReleaseTrialLease request)
    {
        if (request.Unfinished)
            runs.ExpireLease(request.RunId, request.TrialId, request.Holder);
        else
            runs.ReleaseLease(request.RunId, request.TrialId, request.Holder);
    }

    private TrialLeaseGranted Granted(Guid runId, string trialId, string holder, DateTimeOffset now) =>
        new(runId, trialId, holder, now + Period, Period / 4);

    private string? NotTraining(Guid runId, string trialId) => runs.Find(runId) switch
    {
        null => $"there is no run {runId}",
        { State: RunState.Interrupted or RunState.Completed or RunState.Failed or RunState.Cancelled } run => $"the run is {run.State}",
        var run when run.Trial(trialId) is not { State: RunState.Training } => $"trial {trialId} is not training",
        _ => null,
    };
}
