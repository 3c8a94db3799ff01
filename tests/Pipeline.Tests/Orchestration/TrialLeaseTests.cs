using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pipeline.Contracts;
using Pipeline.Orchestrator;
using Pipeline.Orchestrator.Runs;
using Pipeline.Storage;

namespace Pipeline.Tests.Orchestration;

public sealed class TrialLeaseTests() : ConsumerHarness<TrialLeaseConsumer>(
    (services, folder) => services.AddOrchestrator(folder, new OrchestratorOptions { TrialLease = Lease }, Clock))
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);
    private static readonly ManualClock Clock = new();
    private static readonly RunSpec Spec = new() { Dataset = "d", Training = new TrainingSpec { Backbone = BackboneNames.MlNetResNet18 } };

    private TrialLeases Leases => Service<TrialLeases>();

    [Fact]
    public void One_trainer_at_a_time_holds_a_training_trial()
    {
        var run = Training();

        Assert.IsType<TrialLeaseGranted>(Leases.Acquire(new AcquireTrialLease(run, "t1", "trainer-a")));
        var denied = Assert.IsType<TrialLeaseDenied>(Leases.Acquire(new AcquireTrialLease(run, "t1", "trainer-b")));
        Assert.Equal("another trainer holds the trial", denied.Reason);
        Assert.IsType<TrialLeaseGranted>(Leases.Acquire(new AcquireTrialLease(run, "t1", "trainer-a")));

        Leases.Release(new ReleaseTrialLease(run, "t1", "trainer-a"));
        Assert.IsType<TrialLeaseGranted>(Leases.Acquire(new AcquireTrialLease(run, "t1", "trainer-b")));
    }

    [Fact]
    public void A_lease_not_renewed_in_time_goes_to_the_next_trainer_and_the_old_holder_is_told_to_stop()
    {
        var run = Training();
        var granted = Assert.IsType<TrialLeaseGranted>(Leases.Acquire(new AcquireTrialLease(run, "t1", "trainer-a")));
        Assert.Equal(Lease / 4, granted.RenewEvery);

        Clock.Advance(Lease / 2);
        Assert.IsType<TrialLeaseGranted>(Leases.Renew(new RenewTrialLease(run, "t1", "trainer-a")));
        Clock.Advance(Lease + TimeSpan.FromSeconds(1));
        Assert.IsType<TrialLeaseGranted>(Leases.Acquire(new AcquireTrialLease(run, "t1", "trainer-b")));

        var stop = Assert.IsType<TrialLeaseDenied>(Leases.Renew(new RenewTrialLease(run, "t1", "trainer-a")));
        Assert.Contains("went to another trainer", stop.Reason);
    }

    [Fact]
    public async Task A_cancelled_run_is_trained_by_nobody_and_its_holder_is_told_to_stop()
    {
        var run = Training();
        Assert.IsType<TrialLeaseGranted>(Leases.Acquire(new AcquireTrialLease(run, "t1", "trainer-a")));

        await Service<RunCoordinator>().CancelAsync(run);

        Assert.Equal("the run is Cancelled", Assert.IsType<TrialLeaseDenied>(Leases.Renew(new RenewTrialLease(run, "t1", "trainer-a"))).Reason);
        Assert.Equal("the run is Cancelled", Assert.IsType<TrialLeaseDenied>(Leases.Acquire(new AcquireTrialLease(run, "t1", "trainer-b"))).Reason);
    }

    [Fact]
    public async Task The_trial_of_a_trainer_that_stopped_renewing_is_sent_again_once()
    {
        var run = Training();
        Assert.IsType<TrialLeaseGranted>(Leases.Acquire(new AcquireTrialLease(run, "t1", "trainer-a")));
        var coordinator = Service<RunCoordinator>();

        await coordinator.ResendExpiredTrialsAsync();
        Clock.Advance(Lease + TimeSpan.FromSeconds(1));
        await coordinator.ResendExpiredTrialsAsync();
        await coordinator.ResendExpiredTrialsAsync();

        Assert.True(await Harness.Sent.Any<TrainModel>(m => m.Context.Message.RunId == run));
        await Harness.InactivityTask;
        var resent = Assert.Single(Harness.Sent.Select<TrainModel>()).Context.Message;
        Assert.Equal((run, "t1", "m"), (resent.RunId, resent.TrialId, resent.ManifestKey));
        Assert.IsType<TrialLeaseGranted>(Leases.Acquire(new AcquireTrialLease(run, "t1", "trainer-b")));
    }

    [Fact]
    public async Task A_trial_given_back_unfinished_by_a_stopping_trainer_is_sent_again_at_once()
    {
        var run = Training();
        Assert.IsType<TrialLeaseGranted>(Leases.Acquire(new AcquireTrialLease(run, "t1", "trainer-a")));

        await Harness.Bus.Publish(new ReleaseTrialLease(run, "t1", "trainer-a", Unfinished: true));

        Assert.True(await Harness.Sent.Any<TrainModel>(m => m.Context.Message.RunId == run));
        Assert.IsType<TrialLeaseGranted>(Leases.Acquire(new AcquireTrialLease(run, "t1", "trainer-b")));
    }

    [Fact]
    public async Task A_trial_released_when_done_is_not_sent_again()
    {
        var run = Training();
        Assert.IsType<TrialLeaseGranted>(Leases.Acquire(new AcquireTrialLease(run, "t1", "trainer-a")));

        await Harness.Bus.Publish(new ReleaseTrialLease(run, "t1", "trainer-a"));

        Assert.True(await Harness.Consumed.Any<ReleaseTrialLease>(m => m.Context.Message.RunId == run));
        await Harness.InactivityTask;
        Assert.False(await Harness.Sent.Any<TrainModel>(m => m.Context.Message.RunId == run));
    }

    [Fact]
    public async Task Trainers_ask_and_are_answered_over_the_bus()
    {
        var run = Training();
        var client = Harness.GetRequestClient<AcquireTrialLease>();

        var first = await client.GetResponse<TrialLeaseGranted, TrialLeaseDenied>(new AcquireTrialLease(run, "t1", "trainer-a"));
        var second = await client.GetResponse<TrialLeaseGranted, TrialLeaseDenied>(new AcquireTrialLease(run, "t1", "trainer-b"));

        Assert.True(first.Is(out Response<TrialLeaseGranted>? _));
        Assert.True(second.Is(out Response<TrialLeaseDenied>? _));
    }

    /// <summary>A run in Training with one trial, straight into the store.</summary>
    private Guid Training()
    {
        var now = Clock.GetUtcNow();
        var run = new RunRecord
        {
            Id = Guid.NewGuid(), State = RunState.Training, Spec = Spec, CreatedAt = now, UpdatedAt = now, ManifestKey = "m",
            Trials = [new TrialRecord { TrialId = "t1", State = RunState.Training, Training = Spec.Training }],
        };
        Assert.True(Service<RunStore>().TryInsert(run));
        return run.Id;
    }
}
