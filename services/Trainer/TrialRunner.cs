using System.Diagnostics;
using MassTransit;
using Pipeline.Contracts;
using Pipeline.Datasets;
using Pipeline.Hosting;
using Pipeline.Runs;
using Pipeline.Storage;
using Pipeline.Trainer.Training;

namespace Pipeline.Trainer;

/// <summary>
/// Trains the one trial this process holds the lease of, after its command was acknowledged. A redelivered command
/// resumes from the last checkpoint (or re-announces a finished model). A fault that may be transient is tried again
/// here (nothing would redeliver the command); a trainer asked to stop gives the trial back, so that the orchestrator
/// sends it at once to another trainer, which resumes from the last checkpoint.
/// </summary>
public sealed class TrialRunner(ClassifierTrainer trainer, IObjectStore store, RunCancellations cancellations, IBus bus, TrainerIntake intake,
    ILogger<TrialRunner> logger) : IHostedLifecycleService
{
    private static readonly IReadOnlyDictionary<string, string> Versions = ComponentVersions.Of(typeof(TorchSharp.torch), typeof(ClassifierTrainer));

    private readonly CancellationTokenSource _stopping = new();
    private int _reserved;
    private Task _trial = Task.CompletedTask;

    /// <summary>Claims this process's one trial slot; false while a trial holds it.</summary>
    public bool TryReserve() => Interlocked.CompareExchange(ref _reserved, 1, 0) == 0;

    /// <summary>Frees the slot claimed by <see cref="TryReserve"/> when no trial came of it (the lease was refused).</summary>
    public void CancelReservation() => Volatile.Write(ref _reserved, 0);

    /// <summary>Trains the trial in the background, in the slot claimed by <see cref="TryReserve"/>; the lease is given back when it ends.</summary>
    public void Start(TrainModel command, TrialLease lease)
    {
        intake.Pause();
        _trial = Task.Run(() => TrainAsync(command, lease));
    }

    private async Task TrainAsync(TrainModel command, TrialLease lease)
    {
        var (runId, trialId, training, seed, manifestKey) = command;
        try
        {
            await using (lease)
            {
                var ended = false;
                try
                {
                    using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token, lease.Lost);
                    await bus.RunStageWithRetriesAsync(Stages.Train, runId, trialId, cancellations, logger, async token =>
                    {
                        var computing = Stopwatch.StartNew();
                        var manifest = await store.GetJsonAsync<DatasetManifest>(manifestKey, token);
                        var result = await trainer.TrainAsync(new TrainingRequest(runId, trialId, training, seed, manifest),
                            (epoch, epochs) => bus.Publish(new EpochCompleted(runId, trialId, epoch.Epoch, epochs, epoch.TrainLoss, epoch.TrainAccuracy,
                                epoch.ValidationLoss, epoch.ValidationAccuracy, epoch.ImagesPerSecond, TimeSpan.FromSeconds(epoch.Seconds)), token),
                            token);
                        await bus.Publish(new ModelTrained(runId, trialId, result.ModelKey, result.HistoryKey, result.BestEpoch,
                            result.BestValidationAccuracy, Versions, computing.Elapsed.TotalSeconds), token);
                    }, PipelineBus.Retries, cancellation.Token, stoppedQuietly: () => cancellation.IsCancellationRequested);
                    ended = !_stopping.IsCancellationRequested;
                }
                finally
                {
                    if (!ended)
                    {
                        logger.LogInformation("Run {RunId} trial {TrialId}: giving the trial back unfinished, to be sent to another trainer", runId, trialId);
                        lease.GiveBack();
                    }
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            logger.LogInformation("Run {RunId} trial {TrialId}: stopped with this process", runId, trialId);
        }
        catch (Exception e)
        {
            // Nothing awaits this task but the process's stop: a fault must not go unseen.
            logger.LogError(e, "Run {RunId} trial {TrialId}: the trial ended with an error; it was given back to be sent again", runId, trialId);
        }
        finally
        {
            Volatile.Write(ref _reserved, 0);
            if (!_stopping.IsCancellationRequested)
                await intake.ResumeAsync();
        }
    }

    /// <summary>Before the bus stops (every service's stopping runs before any stops), so that the lease can still be given back.</summary>
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _trial.WaitAsync(cancellationToken);
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken)
    {
        _stopping.Dispose();
        return Task.CompletedTask;
    }
}
