using System.Diagnostics;
using Pipeline.Contracts;
using Pipeline.Orchestrator.Runs;

namespace Pipeline.Tests.Telemetry;

[Trait("Category", "Tracing")]
[Collection(nameof(ProcessTelemetryCollection))]
public sealed class RunTraceContextTests : IDisposable
{
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void A_runs_outbox_rows_carry_the_runs_trace_context_whatever_span_saved_them_and_after_a_restart()
    {
        var database = $"Data Source={_folder.Combine("runs.db")}";
        var runs = new RunStore(database);
        var now = DateTimeOffset.UtcNow;
        var runContext = $"00-{ActivityTraceId.CreateRandom().ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01";
        var run = new RunRecord
        {
            Id = Guid.NewGuid(), State = RunState.Preprocessing, Spec = new RunSpec { Dataset = "flowers" }, CreatedAt = now, UpdatedAt = now,
            Version = 1, Trials = [], TraceParent = runContext,
        };
        Assert.True(runs.TryInsert(run, [OutboxMessage.Of(new RunCancelled(run.Id), run.Id)]));
        // A later change is saved while another trace's span is current (an event's consumer): its message still joins the run's.
        using (var unrelated = new Activity("event consumer").SetIdFormat(ActivityIdFormat.W3C).Start())
            Assert.True(runs.TryUpdate(run with { State = RunState.Training }, [OutboxMessage.Of(new RunCancelled(run.Id), run.Id)]));
        var orphan = $"00-{ActivityTraceId.CreateRandom().ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01";
        runs.Enqueue([new OutboxMessage(null, typeof(RunCancelled).FullName!, "{}", orphan)]);

        var restarted = new RunStore(database);

        Assert.Equal(runContext, restarted.Find(run.Id)!.TraceParent);
        Assert.Equal([runContext, runContext, orphan], restarted.PendingMessages(10).Select(message => message.TraceParent));
    }
}
