using MassTransit;
using Pipeline.Contracts;

namespace Pipeline.ModelZoo.Tests;

/// <summary>A test double of the orchestrator's lease desk: grants every trial, except to the holders it is told to refuse.</summary>
public sealed class LeaseAnswers : IConsumer<AcquireTrialLease>, IConsumer<RenewTrialLease>, IConsumer<ReleaseTrialLease>
{
    public static readonly HashSet<Guid> RefusedRuns = [];

    public static void Register(IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<LeaseAnswers>().Endpoint(endpoint => endpoint.Name = StageQueues.Orchestrator);
        var orchestrator = new Uri($"queue:{StageQueues.Orchestrator}");
        bus.AddRequestClient<AcquireTrialLease>(orchestrator);
        bus.AddRequestClient<RenewTrialLease>(orchestrator);
    }

    public Task Consume(ConsumeContext<AcquireTrialLease> context) =>
        RefusedRuns.Contains(context.Message.RunId)
            ? context.RespondAsync(new TrialLeaseDenied(context.Message.RunId, context.Message.TrialId, "another trainer holds the trial"))
            : context.RespondAsync(new TrialLeaseGranted(context.Message.RunId, context.Message.TrialId, context.Message.Holder,
                DateTimeOffset.UtcNow.AddMinutes(2), TimeSpan.FromSeconds(30)));

    public Task Consume(ConsumeContext<RenewTrialLease> context) =>
        context.RespondAsync(new TrialLeaseGranted(context.Message.RunId, context.Message.TrialId, context.Message.Holder,
            DateTimeOffset.UtcNow.AddMinutes(2), TimeSpan.FromSeconds(30)));

    public Task Consume(ConsumeContext<ReleaseTrialLease> context) => Task.CompletedTask;
}
