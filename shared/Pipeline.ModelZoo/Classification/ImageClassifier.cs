using Pipeline.Datasets;
using Pipeline.Datasets.Streaming;
using Pipeline.ModelZoo.Backbones;
using Pipeline.ModelZoo.Files;
using Pipeline.Tensors;
using Pipeline.Contracts;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Pipeline.ModelZoo.Classification;

/// <summary>
/// A pretrained backbone with a new linear head for <see cref="Classes"/>. Input: a uint8 [N, H, W, 3] RGB batch;
/// output: logits. In <see cref="TrainingMode.Transfer"/> the backbone never learns and stays in eval mode (its
/// BatchNorm statistics never change), even when the classifier is put in train mode; in <see cref="TrainingMode.Partial"/>
/// the same holds for every layer before the backbone's last stage.
/// </summary>
public sealed class ImageClassifier : Module<Tensor, Tensor>
{
    private const string HeadPrefix = "head.";
    private const string LastStagePrefix = "backbone.network.layer4.";

    private readonly Backbone backbone;
    private readonly Linear head;

    /// <param name="preprocessing">How the images it classifies are made; recorded in its model file for prediction.</param>
    public ImageClassifier(Backbone backbone, IReadOnlyList<string> classes, TrainingMode mode, PreprocessingSpec preprocessing) : base(nameof(ImageClassifier))
    {
        if (classes.Count < 2)
            throw new PipelineException($"A classifier needs at least two classes (got {classes.Count}).");
        if (!backbone.Accepts(preprocessing.ImageSize))
            throw new PipelineException(
                $"Backbone '{backbone.Name}' takes {backbone.InputWidth}x{backbone.InputHeight} images; the dataset holds {preprocessing.ImageSize}x{preprocessing.ImageSize}. " +
                $"Prepare it with imageSize {backbone.InputWidth}.");
        this.backbone = backbone;
        Preprocessing = preprocessing;
        head = Linear(backbone.FeatureCount, classes.Count);
        Classes = classes;
        Mode = mode;
        RegisterComponents();
        FreezeWhatNeverLearns();
        // Modules start in train mode; this puts the frozen layers in eval mode, where they stay.
        train();
    }

    public IReadOnlyList<string> Classes { get; }
    public TrainingMode Mode { get; }
    public PreprocessingSpec Preprocessing { get; }
    public Backbone Backbone => backbone;

    /// <summary>What the optimizer updates: the head in transfer mode, the last stage and the head in partial mode, everything in finetune mode.</summary>
    public IEnumerable<Parameter> TrainableParameters() => TrainableNamedParameters().Select(pair => pair.Parameter);

    /// <summary><see cref="TrainableParameters"/> with their state_dict names, in the same order (the backbone's first, then the head's).</summary>
    public IEnumerable<(string Name, Parameter Parameter)> TrainableNamedParameters() => named_parameters().Where(pair => IsTrainable(pair.name));

    /// <summary>The trainable parameters of the backbone (none in transfer mode), in <see cref="TrainableParameters"/>' order.</summary>
    public IEnumerable<Parameter> TrainableBackboneParameters() =>
        TrainableNamedParameters().Where(pair => !IsHead(pair.Name)).Select(pair => pair.Parameter);

    public IEnumerable<Parameter> HeadParameters() => head.parameters();

    /// <summary>The device the classifier's weights are on.</summary>
    public Device Device => head.weight!.device;

    /// <summary>Moves the weights to <paramref name="device"/> (the trainer moves batches and features there too).</summary>
    public void MoveTo(Device device)
    {
        this.to(device);
        // Moving makes new parameters; keep the frozen ones frozen whatever the move did.
        FreezeWhatNeverLearns();
    }

    private void FreezeWhatNeverLearns()
    {
        foreach (var (name, parameter) in named_parameters())
            parameter.requires_grad = IsTrainable(name);
    }

    private static bool IsHead(string name) => name.StartsWith(HeadPrefix, StringComparison.Ordinal);

    private bool IsTrainable(string name) => Mode switch
    {
        TrainingMode.Transfer => IsHead(name),
        TrainingMode.Partial => IsHead(name) || name.StartsWith(LastStagePrefix, StringComparison.Ordinal),
        _ => true,
    };

    /// <summary>
    /// Runs the layers that never learn in reduced precision (bfloat16 on a GPU; see <see cref="Backbone.RunFrozenLayersIn"/>):
    /// the whole backbone in transfer mode, the stages before the last in partial mode, nothing in finetune mode.
    /// </summary>
    public void RunFrozenLayersIn(ScalarType precision)
    {
        if (Mode != TrainingMode.Finetune)
            backbone.RunFrozenLayersIn(precision);
    }

    public override Tensor forward(Tensor images)
    {
        using var scope = NewDisposeScope();
        return scope.MoveToOuter(Classify(Features(images)));
    }

    /// <summary>Pooled backbone features; the frozen layers (all in transfer mode, those before the last stage in partial mode) run without autograd.</summary>
    public Tensor Features(Tensor images)
    {
        switch (Mode)
        {
            case TrainingMode.Transfer:
            {
                using var noGrad = no_grad();
                return backbone.call(images);
            }
            case TrainingMode.Partial:
            {
                using var scope = NewDisposeScope();
                Tensor frozen;
                using (no_grad())
                    frozen = backbone.ForwardToLastStage(images);
                return scope.MoveToOuter(backbone.ForwardLastStage(frozen));
            }
            default:
                return backbone.call(images);
        }
    }

    /// <summary>The head alone, for features computed once and reused (a frozen backbone gives the same features every epoch).</summary>
    public Tensor Classify(Tensor features) => head.call(features);

    public override void train(bool train = true)
    {
        base.train(train);
        if (Mode == TrainingMode.Finetune)
            return;
        backbone.eval();
        if (Mode == TrainingMode.Partial)
            backbone.Network.LastStage.train(train);
    }

    /// <summary>Softmax probabilities and the most probable class for every image of a split, in eval mode.</summary>
    public Predictions Predict(SplitImages images, int batchSize, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var batches = PredictBatches(images.Batches(batchSize), cancellationToken).Select(pair => pair.Predictions).ToList();
        return new Predictions(Classes, [.. batches.SelectMany(batch => batch.Labels)], [.. batches.SelectMany(batch => batch.Probabilities)]);
    }

    /// <summary>Each batch with its predictions, in eval mode, one batch in memory at a time (the split may be streamed).</summary>
    public IEnumerable<(IReadOnlyList<ChunkItem<TImages>> Batch, Predictions Predictions)> PredictBatches<TImages>(
        IEnumerable<IReadOnlyList<ChunkItem<TImages>>> batches, CancellationToken cancellationToken = default) where TImages : ILabelledImages
    {
        var wasTraining = training;
        eval();
        try
        {
            foreach (var batch in batches)
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return (batch, PredictBatch(batch));
                LibTorchMemory.ReleaseUnreachableTensors();
            }
        }
        finally
        {
            train(wasTraining);
        }
    }

    private Predictions PredictBatch<TImages>(IReadOnlyList<ChunkItem<TImages>> batch) where TImages : ILabelledImages
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var pixels = ImageBatch.Pixels(batch, Device);
        var probs = functional.softmax(forward(pixels), 1).cpu().data<float>().ToArray();
        var probabilities = probs.Chunk(Classes.Count).ToArray();
        return new Predictions(Classes, [.. probabilities.Select(row => Array.IndexOf(row, row.Max()))], probabilities);
    }

    public ModelFileHeader Header(bool includesBackbone) => new()
    {
        Classes = Classes,
        Backbone = backbone.Name,
        BackboneWeightsSha256 = backbone.WeightsSha256,
        Normalization = backbone.Normalization,
        Preprocessing = Preprocessing,
        Mode = Mode,
        IncludesBackbone = includesBackbone,
    };

    /// <summary>The weights a model file holds: all of them, or the head only (named as in the whole classifier).</summary>
    public IEnumerable<(string Name, Tensor Tensor)> Weights(bool includeBackbone) =>
        state_dict().Where(pair => includeBackbone || pair.Key.StartsWith(HeadPrefix, StringComparison.Ordinal)).Select(pair => (pair.Key, pair.Value));

    /// <summary>Adds this classifier's header and weights to a file being written (a model file, or a checkpoint that adds more).</summary>
    public SafetensorsWriter AddTo(SafetensorsWriter writer, bool includeBackbone = true)
    {
        foreach (var (key, value) in Header(includeBackbone).ToMetadata())
            writer.Metadata[key] = value;
        foreach (var (name, tensor) in Weights(includeBackbone))
            writer.AddTensor(name, tensor);
        return writer;
    }

    /// <summary>Writes the model file (safetensors, see <see cref="ModelFile"/>).</summary>
    public void Save(Stream stream, bool includeBackbone = true) => ModelFile.Write(AddTo(new SafetensorsWriter(), includeBackbone), stream);

    /// <summary>Reads a complete model file (one that includes its backbone), e.g. <c>model.safetensors</c>.</summary>
    public static ImageClassifier Load(Stream stream)
    {
        var reader = ModelFile.Open(stream);
        var header = ModelFile.ReadHeader(reader);
        if (!header.IncludesBackbone)
            throw new PipelineException(
                $"This model file holds only a classifier head for backbone '{header.Backbone}'; load it with {nameof(Restore)} into a classifier built on that backbone.");
        var size = header.Preprocessing.ImageSize;
        var backbone = new Backbone(header.Backbone, header.BackboneWeightsSha256, header.Normalization, size, size);
        var classifier = new ImageClassifier(backbone, header.Classes, header.Mode, header.Preprocessing);
        classifier.Restore(reader, header);
        return classifier;
    }

    /// <summary>Loads a model file's weights into this classifier, which must have the same classes, mode and backbone weights.</summary>
    public void Restore(Stream stream)
    {
        var reader = ModelFile.Open(stream);
        Restore(reader, ModelFile.ReadHeader(reader));
    }

    /// <inheritdoc cref="Restore(Stream)"/>
    public void Restore(SafetensorsReader reader, ModelFileHeader header)
    {
        var expected = Header(header.IncludesBackbone);
        if (header.Backbone != expected.Backbone || header.BackboneWeightsSha256 != expected.BackboneWeightsSha256
            || header.Mode != expected.Mode || !header.Classes.SequenceEqual(expected.Classes))
            throw new PipelineException(
                $"The model file was made for backbone '{header.Backbone}' (weights sha256 {header.BackboneWeightsSha256}), mode {header.Mode}, " +
                $"classes [{string.Join(", ", header.Classes)}]; this classifier has '{expected.Backbone}' ({expected.BackboneWeightsSha256}), " +
                $"{expected.Mode}, [{string.Join(", ", expected.Classes)}].");
        foreach (var (name, tensor) in Weights(header.IncludesBackbone))
            reader.CopyTensorTo(name, tensor);
    }
}
