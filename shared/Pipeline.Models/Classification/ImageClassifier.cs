using System.Text;
using System.Text.Json;
using Pipeline.Datasets;
using Pipeline.Models.Backbones;
using Pipeline.Runs;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Pipeline.Models.Classification;

/// <summary>
/// A pretrained backbone with a new linear head for <see cref="Classes"/>. Input: a uint8 [N, H, W, 3] RGB batch;
/// output: logits. In <see cref="TrainingMode.Transfer"/> the backbone never learns and stays in eval mode (its
/// BatchNorm statistics never change), even when the classifier is put in train mode.
/// </summary>
public sealed class ImageClassifier : Module<Tensor, Tensor>
{
    private static ReadOnlySpan<byte> Magic => "PMDL"u8;

    private readonly Backbone backbone;
    private readonly Linear head;

    public ImageClassifier(Backbone backbone, IReadOnlyList<string> classes, TrainingMode mode) : base(nameof(ImageClassifier))
    {
        if (classes.Count < 2)
            throw new PipelineException($"A classifier needs at least two classes (got {classes.Count}).");
        this.backbone = backbone;
        head = Linear(backbone.FeatureCount, classes.Count);
        Classes = classes;
        Mode = mode;
        RegisterComponents();
        if (mode == TrainingMode.Transfer)
        {
            foreach (var parameter in backbone.parameters())
                parameter.requires_grad = false;
            backbone.eval();
        }
    }

    public IReadOnlyList<string> Classes { get; }
    public TrainingMode Mode { get; }
    public Backbone Backbone => backbone;

    /// <summary>What the optimizer updates: the head in transfer mode, everything in finetune mode.</summary>
    public IEnumerable<Parameter> TrainableParameters() => Mode == TrainingMode.Transfer ? head.parameters() : parameters();

    public override Tensor forward(Tensor images)
    {
        using var scope = NewDisposeScope();
        return scope.MoveToOuter(Classify(Features(images)));
    }

    /// <summary>Pooled backbone features; in transfer mode computed without autograd (nothing upstream learns).</summary>
    public Tensor Features(Tensor images)
    {
        if (Mode != TrainingMode.Transfer)
            return backbone.call(images);
        using var noGrad = no_grad();
        return backbone.call(images);
    }

    /// <summary>The head alone, for features computed once and reused (a frozen backbone gives the same features every epoch).</summary>
    public Tensor Classify(Tensor features) => head.call(features);

    public override void train(bool train = true)
    {
        base.train(train);
        if (Mode == TrainingMode.Transfer)
            backbone.eval();
    }

    /// <summary>Softmax probabilities and the most probable class for every image of a split, in eval mode.</summary>
    public Predictions Predict(SplitImages images, int batchSize, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var wasTraining = training;
        eval();
        try
        {
            var labels = new int[images.Count];
            var probabilities = new float[images.Count][];
            var indices = Enumerable.Range(0, images.Count).ToArray();
            for (var start = 0; start < images.Count; start += batchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var count = Math.Min(batchSize, images.Count - start);
                using (var scope = NewDisposeScope())
                using (no_grad())
                {
                    var batch = ImageBatch.Pixels(images, indices.AsSpan(start, count), Backbone.Network.parameters().First().device);
                    var probs = functional.softmax(forward(batch), 1).cpu().data<float>().ToArray();
                    for (var i = 0; i < count; i++)
                    {
                        var row = probs.AsSpan(i * Classes.Count, Classes.Count).ToArray();
                        probabilities[start + i] = row;
                        labels[start + i] = Array.IndexOf(row, row.Max());
                    }
                }
                // Finalizer-held native tensors otherwise pile up between GCs (see FACTS.md).
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
            return new Predictions(Classes, labels, probabilities);
        }
        finally
        {
            train(wasTraining);
        }
    }

    public ModelFileHeader Header(bool includesBackbone) => new()
    {
        Classes = Classes,
        Backbone = backbone.Name,
        BackboneWeightsSha256 = backbone.WeightsSha256,
        InputWidth = backbone.InputWidth,
        InputHeight = backbone.InputHeight,
        Normalization = backbone.Normalization,
        Mode = Mode,
        IncludesBackbone = includesBackbone,
    };

    /// <summary>Writes the model file: header, then weights (all of them, or the head only).</summary>
    public void Save(Stream stream, bool includeBackbone = true)
    {
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        writer.Write(JsonSerializer.Serialize(Header(includeBackbone), PipelineJson.Options));
        if (includeBackbone)
            save(writer);
        else
            head.save(writer);
        writer.Flush();
    }

    /// <summary>Reads a complete model file (one that includes its backbone), e.g. <c>model.bin</c>.</summary>
    public static ImageClassifier Load(Stream stream)
    {
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        var header = ReadHeader(reader);
        if (!header.IncludesBackbone)
            throw new PipelineException(
                $"This model file holds only a classifier head for backbone '{header.Backbone}'; load it with {nameof(Restore)} into a classifier built on that backbone.");
        var backbone = new Backbone(header.Backbone, header.BackboneWeightsSha256, header.Normalization, header.InputHeight, header.InputWidth);
        var classifier = new ImageClassifier(backbone, header.Classes, header.Mode);
        classifier.load(reader, strict: true);
        return classifier;
    }

    /// <summary>Loads a model file's weights into this classifier, which must have the same classes, mode and backbone weights.</summary>
    public void Restore(Stream stream)
    {
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        var header = ReadHeader(reader);
        var expected = Header(header.IncludesBackbone);
        if (header.Backbone != expected.Backbone || header.BackboneWeightsSha256 != expected.BackboneWeightsSha256
            || header.Mode != expected.Mode || !header.Classes.SequenceEqual(expected.Classes))
            throw new PipelineException(
                $"The model file was made for backbone '{header.Backbone}' (weights sha256 {header.BackboneWeightsSha256}), mode {header.Mode}, " +
                $"classes [{string.Join(", ", header.Classes)}]; this classifier has '{expected.Backbone}' ({expected.BackboneWeightsSha256}), " +
                $"{expected.Mode}, [{string.Join(", ", expected.Classes)}].");
        if (header.IncludesBackbone)
            load(reader, strict: true);
        else
            head.load(reader, strict: true);
    }

    private static ModelFileHeader ReadHeader(BinaryReader reader)
    {
        try
        {
            if (!reader.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic))
                throw new PipelineException("Not a pipeline model file (bad magic).");
            var header = JsonSerializer.Deserialize<ModelFileHeader>(reader.ReadString(), PipelineJson.Options)
                         ?? throw new PipelineException("The model file's header is empty.");
            if (header.SchemaVersion != ModelFileHeader.CurrentSchemaVersion)
                throw new PipelineException($"Model file schema version {header.SchemaVersion} is not supported (this build reads {ModelFileHeader.CurrentSchemaVersion}).");
            return header;
        }
        catch (Exception e) when (e is EndOfStreamException or JsonException)
        {
            throw new PipelineException($"The model file is truncated or corrupt: {e.Message}", e);
        }
    }
}
