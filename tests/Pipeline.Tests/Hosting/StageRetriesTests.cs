using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Contracts;
using Pipeline.Hosting;

namespace Pipeline.Tests.Hosting;

/// <summary>Work whose command is already acknowledged (a trial after its lease): transient faults retried in process, then the stage fails.</summary>
public sealed class StageRetriesTests : IAsyncLifetime
{
    private static readonly TimeSpan[] Retries = [TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(10)];

    private readonly ServiceProvider _services = new ServiceCollection().AddMassTransitTestHarness().BuildServiceProvider(true);
    private ITestHarness Harness => _services.GetTestHarness();

    [Fact]
    public async Task A_fault_that_goes_away_is_ridden_out_without_failing_the_stage()
    {
        var attempts = 0;

        await Harness.Bus.RunStageWithRetriesAsync(Stages.Train, Guid.NewGuid(), "t1", new RunCancellations(), NullLogger.Instance, _ =>
            ++attempts < 3 ? throw new IOException("store away") : Task.CompletedTask, Retries, CancellationToken.None);

        Assert.Equal(3, attempts);
        Assert.False(await Harness.Published.Any<StageFailed>());
    }

    [Fact]
    public async Task A_fault_that_stays_fails_the_stage_for_the_trial_with_the_last_fault_after_every_retry()
    {
        var runId = Guid.NewGuid();
        var attempts = 0;

        await Harness.Bus.RunStageWithRetriesAsync(Stages.Train, runId, "t2", new RunCancellations(), NullLogger.Instance, _ =>
            throw new IOException($"store away ({++attempts})"), Retries, CancellationToken.None);

        var failure = Assert.Single(Harness.Published.Select<StageFailed>()).Context.Message;
        Assert.Equal((runId, "train", "t2", "gave up after 3 attempts: IOException: store away (3)"), (failure.RunId, failure.Stage, failure.TrialId, failure.Reason));
        Assert.Equal(3, attempts);
    }

    [Fact]
    public async Task A_problem_the_user_must_fix_fails_the_stage_at_once()
    {
        var attempts = 0;

        await Harness.Bus.RunStageWithRetriesAsync(Stages.Train, Guid.NewGuid(), "t1", new RunCancellations(), NullLogger.Instance, _ =>
            throw new PipelineException($"bad weights ({++attempts})"), Retries, CancellationToken.None);

        Assert.Equal("bad weights (1)", Assert.Single(Harness.Published.Select<StageFailed>()).Context.Message.Reason);
        Assert.Equal(1, attempts);
    }

    public Task InitializeAsync() => Harness.Start();

    public async Task DisposeAsync()
    {
        await Harness.Stop();
        await _services.DisposeAsync();
    }
}
