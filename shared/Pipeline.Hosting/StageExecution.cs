using MassTransit;
using Microsoft.Extensions.Logging;
using Pipeline.Contracts;

namespace Pipeline.Hosting;

public static class StageExecution
{
    /// <summary>
    /// Runs one stage's work for a run (or one trial of it). A cancelled run ends quietly (as does work cancelled when
    /// <paramref name="stoppedQuietly"/> says so, e.g. a trial whose lease was lost). A <see cref="PipelineException"/>
    /// (bad input, a problem the user can fix: retrying cannot help) becomes a <see cref="StageFailed"/> event with its
    /// message for the user. Anything else may be transient (a store or broker away): it is rethrown, so the bus retries
    /// the message with backoff; a message that still fails ends in its queue's error queue, and the orchestrator fails
    /// the run from the fault the bus publishes.
    /// </summary>
    public static async Task RunStageAsync(this ConsumeContext context, string stage, Guid runId, string? trialId, RunCancellations cancellations,
        ILogger logger, Func<CancellationToken, Task> work, Func<bool>? stoppedQuietly = null)
    {
        // The run's token is held here: the run's entry may be forgotten (it ended) before this work notices.
        var runCancelled = cancellations.TokenFor(runId);
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, runCancelled);
        using var activity = PipelineTelemetry.ActivitySource.StartActivity($"{stage} run");
        activity?.SetTag("pipeline.run_id", runId);
        activity?.SetTag("pipeline.trial_id", trialId);
        activity?.SetTag("pipeline.stage", stage);
        if (await cancellations.IsCancelledAsync(runId, context.CancellationToken))
        {
            logger.LogInformation("{Stage} not started: run {RunId} was cancelled", stage, runId);
            return;
        }
        using var working = cancellations.Begin(runId);
        using var watch = new CancellationTokenSource();
        var markerWatch = WatchForCancelAsync(cancellations, runId, watch.Token);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        logger.LogInformation("{Stage} started for run {RunId}{Trial}", stage, runId, trialId is null ? "" : $" trial {trialId}");
        try
        {
            Failpoints.ThrowIf($"{stage}.throw");
            await work(cancellation.Token);
            logger.LogInformation("{Stage} done for run {RunId}{Trial} in {Seconds:F1} s", stage, runId, trialId is null ? "" : $" trial {trialId}", clock.Elapsed.TotalSeconds);
        }
        catch (OperationCanceledException) when (runCancelled.IsCancellationRequested || stoppedQuietly?.Invoke() == true)
        {
            logger.LogInformation("{Stage} stopped: run {RunId} was cancelled", stage, runId);
        }
        catch (PipelineException e)
        {
            logger.LogWarning("{Stage} failed for run {RunId}: {Reason}", stage, runId, e.Message);
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, e.Message);
            await context.Publish(new StageFailed(runId, stage, e.Message, trialId));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "{Stage} failed for run {RunId} (attempt {Attempt}); the bus will retry", stage, runId, context.GetRetryAttempt() + 1);
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, e.Message);
            throw;
        }
        finally
        {
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
