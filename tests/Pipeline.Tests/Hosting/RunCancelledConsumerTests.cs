using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Contracts;
using Pipeline.Hosting;

namespace Pipeline.Tests.Hosting;

public sealed class RunCancelledConsumerTests() : ConsumerHarness<RunCancelledConsumer>((services, _) => services.AddSingleton<RunCancellations>())
{
    [Fact]
    public async Task A_cancelled_run_stops_its_work_and_is_forgotten_once_it_ended()
    {
        var runId = Guid.NewGuid();
        var cancellations = Service<RunCancellations>();
        var token = cancellations.TokenFor(runId);

        await Harness.Bus.Publish(new RunCancelled(runId));
        Assert.True(await Harness.Consumed.Any<RunCancelled>());
        await Harness.Bus.Publish(new RunCompleted(runId, RunState.Cancelled, null, null, null, [], null, null));
        Assert.True(await Harness.Consumed.Any<RunCompleted>());

        Assert.True(token.IsCancellationRequested);
        Assert.Equal(0, cancellations.Count);
    }

    [Fact]
    public async Task Every_run_that_ends_is_forgotten()
    {
        var cancellations = Service<RunCancellations>();
        var runs = Enumerable.Range(0, 20).Select(_ => Guid.NewGuid()).ToList();
        foreach (var runId in runs)
            cancellations.TokenFor(runId);

        foreach (var runId in runs)
            await Harness.Bus.Publish(new RunCompleted(runId, RunState.Completed, 0.9, null, null, [], null, null));
        await Harness.InactivityTask;

        Assert.Equal(0, cancellations.Count);
    }
}
