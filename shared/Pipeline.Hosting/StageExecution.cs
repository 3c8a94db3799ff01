using MassTransit;
using Microsoft.Extensions.Logging;
using Pipeline.Contracts;

namespace Pipeline.Hosting;

public static class StageExecution
{
    /// <summary>
    /// Runs one stage's work for a run (or one trial of it). A cancelled run ends quietly (as does work cancelled when
    /// <paramref name="stoppedQuietly"/> says so, e.g. a trial whose lease was lost); any other failure becomes a
    /// <see cref="StageFailed"/> event with a reason meant for the user (the stack trace goes to the log).
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
        var clock = System.Diagnostics.Stopwatch.StartNew();
        logger.LogInformation("{Stage} started for run {RunId}{Trial}", stage, runId, trialId is null ? "" : $" trial {trialId}");
        try
        {
            await work(cancellation.Token);
            logger.LogInformation("{Stage} done for run {RunId}{Trial} in {Seconds:F1} s", stage, runId, trialId is null ? "" : $" trial {trialId}", clock.Elapsed.TotalSeconds);
        }
        catch (OperationCanceledException) when (runCancelled.IsCancellationRequested || stoppedQuietly?.Invoke() == true)
        {
            logger.LogInformation("{Stage} stopped: run {RunId} was cancelled", stage, runId);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var reason = e is PipelineException ? e.Message : $"{e.GetType().Name}: {e.Message}";
            if (e is PipelineException)
                logger.LogWarning("{Stage} failed for run {RunId}: {Reason}", stage, runId, reason);
            else
                logger.LogError(e, "{Stage} failed for run {RunId}", stage, runId);
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, reason);
            await context.Publish(new StageFailed(runId, stage, reason, trialId));
        }
    }
}
