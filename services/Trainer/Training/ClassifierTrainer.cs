using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Datasets;
using Pipeline.ModelZoo;
using Pipeline.ModelZoo.Backbones;
using Pipeline.ModelZoo.Classification;
using Pipeline.Contracts;
using Pipeline.Runs;
using Pipeline.Storage;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Pipeline.Trainer.Training;

/// <summary>
/// Trains one trial: Adam on cross-entropy, augmented training batches, validation every epoch, the best epoch kept.
/// Checkpoints after every epoch (<c>last</c>, and <c>best</c> when validation accuracy improves), so a
/// redelivered job resumes where the last one stopped. All libtorch work of an epoch runs on one thread (dispose
/// scopes and grad mode are per thread); awaits happen only between epochs.
/// </summary>
/// <param name="defaultThreads">libtorch threads for trials whose specification names none (null: libtorch's choice).</param>
public sealed class ClassifierTrainer(IObjectStore store, BackboneRegistry backbones, ILogger<ClassifierTrainer>? logger = null, int? defaultThreads = null)
{
    private const string LastCheckpoint = "last";
    private const string BestCheckpoint = "best";
    private readonly ILogger _logger = logger ?? NullLogger<ClassifierTrainer>.Instance;
    private readonly RandomRotationFlip _augmentation = new();

    /// <param name="onEpochCompleted">Called after each epoch's checkpoint is stored, with the record and the total epoch count.</param>
    public async Task<TrainingResult> TrainAsync(TrainingRequest request, Func<EpochRecord, int, Task>? onEpochCompleted = null,
        CancellationToken cancellationToken = default)
    {
        var (runId, trialId, spec, seed, manifest) = request;
        if ((spec.Threads ?? defaultThreads) is { } threads)
            set_num_threads(threads);
        var train = await SplitImages.LoadAsync(store, manifest, DatasetSplits.Train, cancellationToken);
        var validation = await SplitImages.LoadAsync(store, manifest, DatasetSplits.Validation, cancellationToken);
        if (train.Count == 0 || validation.Count == 0)
            throw new PipelineException($"Training needs images in both the train and validation splits (got {train.Count} and {validation.Count}).");

        manual_seed(seed);
        using var classifier = new ImageClassifier(await backbones.LoadAsync(spec.Backbone, spec.Weights, cancellationToken), manifest.Classes, spec.Mode, manifest.Preprocessing);
        using var optimizer = optim.Adam(classifier.TrainableParameters(), spec.LearningRate);

        var checkpoint = await ResumeAsync(request, classifier, optimizer, cancellationToken)
                         ?? new TrainingCheckpoint(new TrainingHistory { Training = spec, Seed = seed, Epochs = [] });
        using var run = new EpochRunner(classifier, optimizer, _augmentation, train, validation, spec.BatchSize);
        for (var epoch = checkpoint.CompletedEpochs + 1; epoch <= spec.Epochs; epoch++)
        {
            var record = run.Run(epoch, seed, cancellationToken);
            var epochs = checkpoint.History.Epochs.Append(record).ToList();
            var improved = checkpoint.History.BestEpoch == 0 || record.ValidationAccuracy > epochs[checkpoint.History.BestEpoch - 1].ValidationAccuracy;
            checkpoint = checkpoint with { History = checkpoint.History with { Epochs = epochs, BestEpoch = improved ? epoch : checkpoint.History.BestEpoch } };
            var bytes = checkpoint.Write(classifier, optimizer);
            // best before last: a crash in between redoes this epoch instead of pointing at a best.bin that is not there.
            if (improved)
                await store.PutBytesAsync(ObjectKeys.Checkpoint(runId, trialId, BestCheckpoint), bytes, cancellationToken);
            await store.PutBytesAsync(ObjectKeys.Checkpoint(runId, trialId, LastCheckpoint), bytes, cancellationToken);
            _logger.LogInformation(
                "Run {RunId} trial {TrialId} epoch {Epoch}/{Epochs}: train loss {TrainLoss:F4} acc {TrainAccuracy:P1}, val loss {ValidationLoss:F4} acc {ValidationAccuracy:P1}, {ImagesPerSecond:F1} img/s, {Seconds:F1} s",
                runId, trialId, epoch, spec.Epochs, record.TrainLoss, record.TrainAccuracy, record.ValidationLoss, record.ValidationAccuracy, record.ImagesPerSecond, record.Seconds);
            if (onEpochCompleted is not null)
                await onEpochCompleted(record, spec.Epochs);
        }
        return await WriteOutputsAsync(request, classifier, checkpoint.History, cancellationToken);
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

    /// <summary>The best epoch's model, complete (backbone included) so that the evaluator needs nothing else, and the history.</summary>
    private async Task<TrainingResult> WriteOutputsAsync(TrainingRequest request, ImageClassifier classifier, TrainingHistory history, CancellationToken cancellationToken)
    {
        var (runId, trialId, _, _, _) = request;
        await using (var best = await store.OpenSeekableAsync(ObjectKeys.Checkpoint(runId, trialId, BestCheckpoint), cancellationToken))
            TrainingCheckpoint.Read(best, classifier, optimizer: null);
        using var model = new MemoryStream();
        classifier.Save(model);
        model.Position = 0;
        var modelKey = ObjectKeys.Model(runId, trialId);
        var historyKey = ObjectKeys.History(runId, trialId);
        await store.PutAsync(modelKey, model, cancellationToken);
        await store.PutJsonAsync(historyKey, history, cancellationToken);
        return new TrainingResult(modelKey, historyKey, history.BestEpoch, history.Epochs[history.BestEpoch - 1].ValidationAccuracy);
    }

    /// <summary>The synchronous part of an epoch: training batches, then validation.</summary>
    private sealed class EpochRunner(ImageClassifier classifier, Adam optimizer, RandomRotationFlip augmentation,
        SplitImages train, SplitImages validation, int batchSize) : IDisposable
    {
        /// <summary>A frozen backbone maps un-augmented validation images to the same features every epoch: compute them once.</summary>
        private Tensor? _validationFeatures;

        public EpochRecord Run(int epoch, int seed, CancellationToken cancellationToken)
        {
            var clock = Stopwatch.StartNew();
            // One stream per (seed, epoch) (not HashCode.Combine: that is salted per process): a resumed trial shuffles and augments epoch k exactly as an uninterrupted one.
            var random = new Random(unchecked(seed * 1_000_003 + epoch));
            var order = Enumerable.Range(0, train.Count).ToArray();
            random.Shuffle(order);
            classifier.train();
            double lossSum = 0;
            long correct = 0;
            for (var start = 0; start < order.Length; start += batchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var batch = order.AsSpan(start, Math.Min(batchSize, order.Length - start));
                using (NewDisposeScope())
                {
                    var images = augmentation.Apply(ImageBatch.Pixels(train, batch), random);
                    var labels = ImageBatch.Labels(train, batch);
                    var logits = classifier.call(images);
                    var loss = functional.cross_entropy(logits, labels);
                    optimizer.zero_grad();
                    loss.backward();
                    optimizer.step();
                    lossSum += loss.item<float>() * batch.Length;
                    correct += logits.argmax(1).eq(labels).sum().item<long>();
                }
                LibTorchMemory.ReleaseUnreachableTensors();
            }
            var trainSeconds = clock.Elapsed.TotalSeconds;
            var (validationLoss, validationAccuracy) = Validate(cancellationToken);
            return new EpochRecord(epoch, lossSum / train.Count, (double)correct / train.Count, validationLoss, validationAccuracy,
                train.Count / trainSeconds, clock.Elapsed.TotalSeconds);
        }

        private (double Loss, double Accuracy) Validate(CancellationToken cancellationToken)
        {
            classifier.eval();
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var all = Enumerable.Range(0, validation.Count).ToArray();
            var labels = ImageBatch.Labels(validation, all);
            Tensor logits;
            if (classifier.Mode == TrainingMode.Transfer)
            {
                _validationFeatures ??= Batched(all, batch => classifier.Features(ImageBatch.Pixels(validation, batch)), cancellationToken).DetachFromDisposeScope();
                logits = classifier.Classify(_validationFeatures);
            }
            else
                logits = Batched(all, batch => classifier.call(ImageBatch.Pixels(validation, batch)), cancellationToken);
            var loss = functional.cross_entropy(logits, labels).item<float>();
            var accuracy = logits.argmax(1).eq(labels).sum().item<long>() / (double)validation.Count;
            return (loss, accuracy);
        }

        private Tensor Batched(int[] indices, Func<int[], Tensor> forward, CancellationToken cancellationToken)
        {
            var outputs = new List<Tensor>();
            foreach (var batch in indices.Chunk(batchSize))
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                outputs.Add(scope.MoveToOuter(forward(batch)));
                LibTorchMemory.ReleaseUnreachableTensors();
            }
            return cat(outputs, 0);
        }

        public void Dispose() => _validationFeatures?.Dispose();
    }
}
