using MassTransit;
using Pipeline.Contracts;

namespace Pipeline.Trainer;

/// <summary>
/// Takes a trial once it holds the trial's lease, hands it to <see cref="TrialRunner"/> and acknowledges the command at
/// once: from then on the lease, not the broker, keeps the trial alive (a trainer that dies stops renewing it, and the
/// orchestrator sends the trial again). A duplicate command (another trainer holds the lease) or one for an ended run
/// stands down.
/// </summary>
public sealed class TrainModelConsumer(TrialRunner runner, IBus bus, IRequestClient<AcquireTrialLease> acquisitions, IRequestClient<RenewTrialLease> renewals,
    ILogger<TrainModelConsumer> logger) : IConsumer<TrainModel>
{
    /// <summary>This process, as a lease holder: a restarted trainer is a new holder.</summary>
    private static readonly string Holder = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    public async Task Consume(ConsumeContext<TrainModel> context)
    {
        var command = context.Message;
        if (!runner.TryReserve())
        {
            // Delivered in the moment between taking a trial and pausing the queue: back to the queue, for whoever is free.
            logger.LogInformation("Run {RunId} trial {TrialId}: busy with another trial, the command goes back to the queue", command.RunId, command.TrialId);
            await context.Forward(context.ReceiveContext.InputAddress);
            return;
        }
        TrialLease? lease = null;
        try
        {
            // Outside the stage's failure path on purpose: no answer from the orchestrator is a transient fault (retried), not a failed trial.
            (lease, var refusal) = await TrialLease.AcquireAsync(new AcquireTrialLease(command.RunId, command.TrialId, Holder), acquisitions, renewals, bus, logger,
                context.CancellationToken);
            if (lease is null)
                logger.LogInformation("Run {RunId} trial {TrialId}: standing down, {Reason}", command.RunId, command.TrialId, refusal);
            else
                runner.Start(command, lease);
        }
        finally
        {
            if (lease is null)
                runner.CancelReservation();
        }
    }
}
