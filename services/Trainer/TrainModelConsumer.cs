using MassTransit;
using Pipeline.Contracts;
using Pipeline.Datasets;
using Pipeline.Hosting;
using Pipeline.Runs;
using Pipeline.Storage;
using Pipeline.Trainer.Training;

namespace Pipeline.Trainer;

/// <summary>
/// Trains one trial once it holds the trial's lease; a duplicate command (another trainer holds it) or one for an ended
/// run stands down. A redelivered command resumes from the last checkpoint (or re-announces a finished model).
/// </summary>
public sealed class TrainModelConsumer(ClassifierTrainer trainer, IObjectStore store, RunCancellations cancellations,
    IRequestClient<AcquireTrialLease> acquisitions, IRequestClient<RenewTrialLease> renewals, ILogger<TrainModelConsumer> logger)
    : IConsumer<TrainModel>
{
    /// <summary>This process, as a lease holder: a restarted trainer is a new holder.</summary>
    private static readonly string Holder = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    private static readonly IReadOnlyDictionary<string, string> Versions = ComponentVersions.Of(typeof(TorchSharp.torch), typeof(ClassifierTrainer));

    public async Task Consume(ConsumeContext<TrainModel> context)
    {
        var (runId, trialId, training, seed, manifestKey) = context.Message;
        // Outside the stage's failure path on purpose: no answer from the orchestrator is a transient fault (retried), not a failed trial.
        var (lease, refusal) = await TrialLease.AcquireAsync(new AcquireTrialLease(runId, trialId, Holder), acquisitions, renewals, context, logger, context.CancellationToken);
        if (lease is null)
        {
            logger.LogInformation("Run {RunId} trial {TrialId}: standing down, {Reason}", runId, trialId, refusal);
            return;
        }
        await using (lease)
        {
            await context.RunStageAsync(Stages.Train, runId, trialId, cancellations, logger, async stageToken =>
            {
                using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(stageToken, lease.Lost);
                var manifest = await store.GetJsonAsync<DatasetManifest>(manifestKey, cancellation.Token);
                var result = await trainer.TrainAsync(new TrainingRequest(runId, trialId, training, seed, manifest),
                    (epoch, epochs) => context.Publish(new EpochCompleted(runId, trialId, epoch.Epoch, epochs, epoch.TrainLoss, epoch.TrainAccuracy,
                        epoch.ValidationLoss, epoch.ValidationAccuracy, epoch.ImagesPerSecond, TimeSpan.FromSeconds(epoch.Seconds)), cancellation.Token),
                    cancellation.Token);
                await context.Publish(new ModelTrained(runId, trialId, result.ModelKey, result.HistoryKey, result.BestEpoch,
                    result.BestValidationAccuracy, Versions), cancellation.Token);
            }, stoppedQuietly: () => lease.Lost.IsCancellationRequested);
        }
    }
}
