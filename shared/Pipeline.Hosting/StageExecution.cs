using MassTransit;
using Microsoft.Extensions.Logging;
using Pipeline.Contracts;
using Pipeline.Telemetry;

namespace Pipeline.Hosting;

public static class StageExecution
{
    /// <summary>
    /// Runs one stage's work for a run (or one trial of it) inside the consumer of its command. A cancelled run ends
    /// quietly (as does work cancelled when <paramref name="stoppedQuietly"/> says so, e.g. a trial whose lease was lost).
    /// A <see cref="PipelineException"/> (bad input, a problem the user can fix: retrying cannot help) becomes a
    /// <see cref="StageFailed"/> event with its message for the user. Anything else may be transient (a store or broker
    /// away): it is rethrown, so the bus retries the message with backoff (in the process, then in rounds through a
    /// redelivery queue); a message that still fails ends in its queue's error queue, and the orchestrator fails the run
    /// from the fault the bus publishes.
    /// </summary>
    public static Task RunStageAsync(this ConsumeContext context, string stage, Guid runId, string? trialId, RunCancellations cancellations,
        ILogger logger, Func<CancellationToken, Task> work, Func<bool>? stoppedQuietly = null) =>
        RunOnceAsync(context, new StageWork(stage, runId, trialId, cancellations, logger, work, stoppedQuietly),
            context.GetRedeliveryCount() * (PipelineBus.Retries.Length + 1) + context.GetRetryAttempt() + 1, context.CancellationToken);

    /// <summary>
    /// The same for work whose command is already acknowledged (a trial runs for hours after its trainer took the lease):
    /// nothing redelivers it, so a fault that may be transient is retried here after each of <paramref name="retries"/>,
    /// and then fails the stage with the last fault for the reason.
    /// </summary>
    public static async Task RunStageWithRetriesAsync(this IPublishEndpoint events, string stage, Guid runId, string? trialId, RunCancellations cancellations,
        ILogger logger, Func<CancellationToken, Task> work, IReadOnlyList<TimeSpan> retries, CancellationToken stopping, Func<bool>? stoppedQuietly = null)
    {
        var stageWork = new StageWork(stage, runId, trialId, cancellations, logger, work, stoppedQuietly);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await RunOnceAsync(events, stageWork, attempt, stopping);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException && attempt <= retries.Count)
            {
                await Task.Delay(retries[attempt - 1], stopping);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                await events.Publish(new StageFailed(runId, stage, $"gave up after {attempt} attempts: {e.GetType().Name}: {e.Message}", trialId), stopping);
                return;
            }
        }
    }

    private sealed record StageWork(string Stage, Guid RunId, string? TrialId, RunCancellations Cancellations, ILogger Logger,
        Func<CancellationToken, Task> Work, Func<bool>? StoppedQuietly)
    {
        public string Trial => TrialId is null ? "" : $" trial {TrialId}";
    }

    private static async Task RunOnceAsync(IPublishEndpoint events, StageWork stage, int attempt, CancellationToken stopping)
    {
        var (name, runId, trialId, cancellations, logger, work, stoppedQuietly) = stage;
        // The run's token is held here: the run's entry may be forgotten (it ended) before this work notices.
        var runCancelled = cancellations.TokenFor(runId);
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(stopping, runCancelled);
        using var activity = PipelineTelemetry.StartRunSpan($"{name} run", runId, trialId, name);
        activity?.SetTag("pipeline.attempt", attempt);
        if (await cancellations.IsCancelledAsync(runId, stopping))
        {
            logger.LogInformation("{Stage} not started: run {RunId} was cancelled", name, runId);
            return;
        }
        using var working = cancellations.Begin(runId);
        using var watch = new CancellationTokenSource();
        var markerWatch = WatchForCancelAsync(cancellations, runId, watch.Token);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var outcome = "cancelled";
        logger.LogInformation("{Stage} started for run {RunId}{Trial}", name, runId, stage.Trial);
        try
        {
            Failpoints.ThrowIf($"{name}.throw");
            await work(cancellation.Token);
            outcome = "done";
            logger.LogInformation("{Stage} done for run {RunId}{Trial} in {Seconds:F1} s", name, runId, stage.Trial, clock.Elapsed.TotalSeconds);
        }
        catch (OperationCanceledException) when (runCancelled.IsCancellationRequested || stoppedQuietly?.Invoke() == true)
        {
            logger.LogInformation("{Stage} stopped: run {RunId} was cancelled", name, runId);
        }
        catch (PipelineException e)
        {
            outcome = "failed";
            logger.LogWarning("{Stage} failed for run {RunId}: {Reason}", name, runId, e.Message);
            activity.Failed(e);
            await events.Publish(new StageFailed(runId, name, e.Message, trialId));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            outcome = "error";
            logger.LogError(e, "{Stage} failed for run {RunId}{Trial} (attempt {Attempt}); it will be tried again", name, runId, stage.Trial, attempt);
            activity.Failed(e);
            throw;
        }
        finally
        {
            PipelineMetrics.StageDuration.Record(clock.Elapsed.TotalSeconds,
                new(PipelineTelemetry.StageTag, name), new("pipeline.outcome", outcome));
            await watch.CancelAsync();
            await markerWatch;
        }
    }

    /// <summary>Looks for the durable cancel marker while the work runs, in case this process missed the broadcast.</summary>
    private static async Task WatchForCancelAsync(RunCancellations cancellations, Guid runId, CancellationToken stop)
    {
        try
        {
            using var timer = new PeriodicTimer(RunCancellations.MarkerPoll);
            while (await timer.WaitForNextTickAsync(stop) && !await cancellations.IsCancelledAsync(runId, stop))
            {
            }
        }
        catch (OperationCanceledException)
        {
            // The work ended first.
        }
        catch (Exception)
        {
            // The store is away: the broadcast still stops the work, and the next stage start looks again.
        }
    }
}
