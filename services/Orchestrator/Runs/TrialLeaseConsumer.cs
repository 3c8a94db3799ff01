using MassTransit;
using Pipeline.Contracts;

namespace Pipeline.Orchestrator.Runs;

/// <summary>Answers trainers' lease requests (<see cref="TrialLeases"/>).</summary>
public sealed class TrialLeaseConsumer(TrialLeases leases, RunCoordinator coordinator) :
    IConsumer<AcquireTrialLease>,
    IConsumer<RenewTrialLease>,
    IConsumer<ReleaseTrialLease>
{
    public Task Consume(ConsumeContext<AcquireTrialLease> context) => context.RespondAsync(leases.Acquire(context.Message));

    public Task Consume(ConsumeContext<RenewTrialLease> context) => context.RespondAsync(leases.Renew(context.Message));

    public Task Consume(ConsumeContext<ReleaseTrialLease> context)
    {
        leases.Release(context.Message);
        return context.Message.Unfinished ? coordinator.ResendExpiredTrialsAsync(context.CancellationToken) : Task.CompletedTask;
    }
}
