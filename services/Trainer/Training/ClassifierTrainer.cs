using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Datasets;
using Pipeline.Datasets.Streaming;
using Pipeline.ModelZoo.Backbones;
using Pipeline.ModelZoo.Classification;
using Pipeline.Contracts;
using Pipeline.Runs;
using Pipeline.Storage;
using Pipeline.Telemetry;
using Pipeline.Trainer.Training.Epochs;
using Pipeline.Trainer.Training.Features;
using Pipeline.Trainer.Training.Optimization;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Trainer.Training;

/// <summary>
/// Trains one trial: Adam on cross-entropy (<see cref="TrainingOptimizer"/>, <see cref="TrainingLoss"/>), validation every
/// epoch, the best epoch kept, optionally stopped early (<see cref="EarlyStopping"/>). In transfer mode the head trains
/// on backbone features computed once per image and view and cached in the store (<see cref="FeatureCache"/>); with
/// <see cref="TrainingSpec.Exact"/>, and always in finetune and partial modes, every epoch runs augmented images through the network.
/// Everything computes on the trial's device (<see cref="TrainingDevices"/>).
/// Checkpoints after every epoch (<c>last</c>, and <c>best</c> when validation accuracy improves), so a redelivered job
/// resumes where the last one stopped. All libtorch work of an epoch runs on one thread (dispose scopes and grad mode are
/// per thread); awaits happen only between epochs.
/// </summary>
/// <param name="defaultThreads">libtorch threads for trials whose specification names none (null: libtorch's choice).</param>
public sealed class ClassifierTrainer(IObjectStore store, BackboneRegistry backbones, ILogger<ClassifierTrainer>? logger = null, int? defaultThreads = null)
{
    private const string LastCheckpoint = "last";
    private const string BestCheckpoint = "best";
    private readonly ILogger _logger = logger ?? NullLogger<ClassifierTrainer>.Instance;

    /// <summary>Whether a trial trains its head on cached features (transfer mode unless exact) rather than on images every epoch.</summary>
    private static bool UsesCachedFeatures(TrainingSpec spec) => spec.Mode == TrainingMode.Transfer && !spec.Exact;

    /// <param name="onEpochCompleted">Called after each epoch's checkpoint is stored, with the record and the total epoch count.</param>
    public async Task<TrainingResult> TrainAsync(TrainingRequest request, Func<EpochRecord, int, Task>? onEpochCompleted = null,
        CancellationToken cancellationToken = default)
    {
        if (await TrainOnceAsync(request, onEpochCompleted, warnings: [], cancellationToken) is { } result)
            return result;
        // Neither checkpoint holds a usable model: the trial's epochs are lost, not the trial.
        var warning = "the best and the last checkpoints were both damaged after the trial's last epoch; the trial was trained again from the start";
        _logger.LogWarning("Run {RunId} trial {TrialId}: {Warning}", request.RunId, request.TrialId, warning);
        foreach (var name in new[] { BestCheckpoint, LastCheckpoint })
            await store.DeleteAsync(ObjectKeys.Checkpoint(request.RunId, request.TrialId, name), cancellationToken);
        return await TrainOnceAsync(request, onEpochCompleted, [warning], cancellationToken)
               ?? throw new PipelineException($"Run {request.RunId} trial {request.TrialId}: its checkpoints were damaged again right after it was retrained; check the object store's storage.");
    }

    /// <summary>Trains (or resumes) the trial and stores its outputs; null when no stored checkpoint held a usable model at the end.</summary>
    /// <param name="warnings">Recorded in a history that starts afresh.</param>
    private async Task<TrainingResult?> TrainOnceAsync(TrainingRequest request, Func<EpochRecord, int, Task>? onEpochCompleted, IReadOnlyList<string> warnings,
        CancellationToken cancellationToken)
    {
        var (runId, trialId, spec, seed, manifest) = request;
        var device = TrainingDevices.Resolve(spec.Device);
        if ((spec.Threads ?? defaultThreads) is { } threads)
            set_num_threads(threads);
        var (trainCount, validationCount) = (manifest[DatasetSplits.Train].Count, manifest[DatasetSplits.Validation].Count);
        if (trainCount == 0 || validationCount == 0)
            throw new PipelineException($"Training needs images in both the train and validation splits (got {trainCount} and {validationCount}).");

        manual_seed(seed);
        using var classifier = new ImageClassifier(await backbones.LoadAsync(spec.Backbone, spec.Weights, cancellationToken), manifest.Classes, spec.Mode, manifest.Preprocessing);
        classifier.MoveTo(device);
        classifier.RunFrozenLayersIn(TrainingDevices.FrozenPrecision(device));
        using var optimizer = new TrainingOptimizer(classifier, spec);
        using var loss = new TrainingLoss(spec, manifest[DatasetSplits.Train].ClassCounts, device);

        var checkpoint = await ResumeAsync(request, classifier, optimizer.Adam, cancellationToken)
                         ?? new TrainingCheckpoint(new TrainingHistory { Training = spec, Seed = seed, Epochs = [], Warnings = warnings });
        if (checkpoint.CompletedEpochs < spec.Epochs && checkpoint.History.StopReason is null)
        {
            using var inputs = UsesCachedFeatures(spec)
                ? await CachedFeaturesAsync(request, classifier, cancellationToken)
                : new ImageInputs(classifier, RandomRotationFlip.Of(spec), Stream(manifest, DatasetSplits.Train), Stream(manifest, DatasetSplits.Validation), spec.BatchSize);
            var run = new EpochRunner(classifier, optimizer, loss, inputs);
            for (var epoch = checkpoint.CompletedEpochs + 1; epoch <= spec.Epochs && checkpoint.History.StopReason is null; epoch++)
                checkpoint = await CompleteEpochAsync(request, classifier, optimizer.Adam, checkpoint, run.Run(epoch, seed, cancellationToken), onEpochCompleted, cancellationToken);
        }
        return await WriteOutputsAsync(request, classifier, checkpoint.History, cancellationToken);
    }

    /// <summary>
    /// Features of the split through the classifier's frozen backbone, <paramref name="views"/> per image, from the store
    /// when a trial computed them before (the split's images are then never read).
    /// </summary>
    public Task<StoredFeatures> FeaturesAsync(ImageClassifier classifier, DatasetManifest manifest, string split, int views, RandomRotationFlip augmentation,
        int seed, int batchSize, CancellationToken cancellationToken = default)
    {
        var key = FeatureKey.Of(classifier, manifest.Fingerprint, split, views, augmentation, seed);
        return new FeatureCache(store, _logger).GetOrComputeAsync(key,
            () => new FeatureExtractor(_logger).Extract(classifier, Stream(manifest, split), key, augmentation, batchSize, cancellationToken), cancellationToken);
    }

    private async Task<IEpochInputs> CachedFeaturesAsync(TrainingRequest request, ImageClassifier classifier, CancellationToken cancellationToken)
    {
        var (_, _, spec, seed, manifest) = request;
        var augmentation = RandomRotationFlip.Of(spec);
        var train = await FeaturesAsync(classifier, manifest, DatasetSplits.Train, spec.Views, augmentation, seed, spec.BatchSize, cancellationToken);
        var validation = await FeaturesAsync(classifier, manifest, DatasetSplits.Validation, views: 1, augmentation, seed, spec.BatchSize, cancellationToken);
        return new FeatureInputs(classifier, train, validation, spec.BatchSize);
    }

    /// <summary>A split read shard by shard: memory holds a window of shards, not the split.</summary>
    private SplitStream Stream(DatasetManifest manifest, string split) => new(store, manifest, split);

    /// <summary>Stores the epoch's checkpoints, logs and reports it; returns the checkpoint that includes it.</summary>
    private async Task<TrainingCheckpoint> CompleteEpochAsync(TrainingRequest request, ImageClassifier classifier, Adam optimizer, TrainingCheckpoint checkpoint,
        EpochRecord record, Func<EpochRecord, int, Task>? onEpochCompleted, CancellationToken cancellationToken)
    {
        var (runId, trialId, spec, _, _) = request;
        var epoch = record.Epoch;
        var epochs = checkpoint.History.Epochs.Append(record).ToList();
        var improved = checkpoint.History.BestEpoch == 0 || record.ValidationAccuracy > epochs[checkpoint.History.BestEpoch - 1].ValidationAccuracy;
        // Decided before the checkpoint is written, so that a resumed trial finds the trial already stopped.
        var stopReason = epoch < spec.Epochs ? EarlyStopping.Reason(epochs, spec.Patience) : null;
        checkpoint = checkpoint with
        {
            History = checkpoint.History with
            {
                Epochs = epochs,
                BestEpoch = improved ? epoch : checkpoint.History.BestEpoch,
                StoppedAfterEpoch = stopReason is null ? null : epoch,
                StopReason = stopReason,
            },
        };
        using var span = PipelineMetrics.Epoch(runId, trialId, record);
        var bytes = checkpoint.Write(classifier, optimizer);
        // best before last: a crash in between redoes this epoch instead of pointing at a best.bin that is not there.
        if (improved)
            await store.PutBytesAsync(ObjectKeys.Checkpoint(runId, trialId, BestCheckpoint), bytes, cancellationToken);
        await store.PutBytesAsync(ObjectKeys.Checkpoint(runId, trialId, LastCheckpoint), bytes, cancellationToken);
        _logger.LogInformation(
            "Run {RunId} trial {TrialId} epoch {Epoch}/{Epochs}: train loss {TrainLoss:F4} acc {TrainAccuracy:P1}, val loss {ValidationLoss:F4} acc {ValidationAccuracy:P1}, {ImagesPerSecond:F1} img/s, {Seconds:F1} s",
            runId, trialId, epoch, spec.Epochs, record.TrainLoss, record.TrainAccuracy, record.ValidationLoss, record.ValidationAccuracy, record.ImagesPerSecond, record.Seconds);
        if (stopReason is not null)
            _logger.LogInformation("Run {RunId} trial {TrialId}: stopping early after epoch {Epoch}: {Reason}; keeping epoch {BestEpoch}",
                runId, trialId, epoch, stopReason, checkpoint.History.BestEpoch);
        if (onEpochCompleted is not null)
            await onEpochCompleted(record, spec.Epochs);
        return checkpoint;
    }

    /// <summary>
    /// Continues from the <c>last</c> checkpoint; when it is damaged (its checksum says so), from <c>best</c>, redoing the
    /// epochs after it; when that is damaged too, from the start. Either way with a warning, never a failed trial.
    /// </summary>
    private async Task<TrainingCheckpoint?> ResumeAsync(TrainingRequest request, ImageClassifier classifier, Adam optimizer, CancellationToken cancellationToken)
    {
        foreach (var name in new[] { LastCheckpoint, BestCheckpoint })
        {
            var key = ObjectKeys.Checkpoint(request.RunId, request.TrialId, name);
            if (!await store.ExistsAsync(key, cancellationToken))
                continue;
            try
            {
                await using var file = await store.OpenSeekableAsync(key, cancellationToken);
                var checkpoint = TrainingCheckpoint.Read(file, classifier, optimizer);
                _logger.LogInformation("Run {RunId} trial {TrialId}: resuming after epoch {Epoch} from {Key}", request.RunId, request.TrialId, checkpoint.CompletedEpochs, key);
                return checkpoint;
            }
            catch (PipelineException e)
            {
                _logger.LogWarning("Run {RunId} trial {TrialId}: the checkpoint {Key} is unusable ({Reason}); {Fallback}",
                    request.RunId, request.TrialId, key, e.Message, name == LastCheckpoint ? "trying the best checkpoint" : "starting the trial afresh");
            }
        }
        return null;
    }

    /// <summary>
    /// The best epoch's model, complete (backbone included) so that the evaluator needs nothing else, and the history; when
    /// the <c>best</c> checkpoint is damaged, the <c>last</c> one's model, with a warning in the log and the history. Null
    /// when both are damaged.
    /// </summary>
    private async Task<TrainingResult?> WriteOutputsAsync(TrainingRequest request, ImageClassifier classifier, TrainingHistory history, CancellationToken cancellationToken)
    {
        var (runId, trialId, _, _, _) = request;
        if (await KeepModelAsync(request, classifier, history, cancellationToken) is not { } kept)
            return null;
        using var model = new MemoryStream();
        classifier.Save(model);
        model.Position = 0;
        var modelKey = ObjectKeys.Model(runId, trialId);
        var historyKey = ObjectKeys.History(runId, trialId);
        await store.PutAsync(modelKey, model, cancellationToken);
        await store.PutJsonAsync(historyKey, kept, cancellationToken);
        return new TrainingResult(modelKey, historyKey, kept.BestEpoch, kept.Epochs[kept.BestEpoch - 1].ValidationAccuracy);
    }

    /// <summary>Loads the model to keep into <paramref name="classifier"/>; returns the history that names its epoch, or null when no checkpoint is usable.</summary>
    private async Task<TrainingHistory?> KeepModelAsync(TrainingRequest request, ImageClassifier classifier, TrainingHistory history, CancellationToken cancellationToken)
    {
        var (runId, trialId, _, _, _) = request;
        var bestKey = ObjectKeys.Checkpoint(runId, trialId, BestCheckpoint);
        string damage;
        try
        {
            await using var best = await store.OpenSeekableAsync(bestKey, cancellationToken);
            TrainingCheckpoint.Read(best, classifier, optimizer: null);
            return history;
        }
        catch (PipelineException e)
        {
            damage = e.Message;
        }
        var lastKey = ObjectKeys.Checkpoint(runId, trialId, LastCheckpoint);
        try
        {
            TrainingCheckpoint last;
            await using (var file = await store.OpenSeekableAsync(lastKey, cancellationToken))
                last = TrainingCheckpoint.Read(file, classifier, optimizer: null);
            var warning = $"the checkpoint {bestKey} was unusable at the end of the trial ({damage}); the model is the last checkpoint's " +
                          $"(epoch {last.CompletedEpochs}) instead of the best epoch's ({history.BestEpoch})";
            _logger.LogWarning("Run {RunId} trial {TrialId}: {Warning}", runId, trialId, warning);
            return history with { BestEpoch = last.CompletedEpochs, Warnings = [.. history.Warnings, warning] };
        }
        catch (PipelineException e)
        {
            _logger.LogWarning("Run {RunId} trial {TrialId}: the checkpoints {BestKey} ({BestDamage}) and {LastKey} ({LastDamage}) are both unusable",
                runId, trialId, bestKey, damage, lastKey, e.Message);
            return null;
        }
    }
}
