using System.Text;
using System.Text.Json;
using Pipeline.Models.Classification;
using Pipeline.Runs;
using TorchSharp.Modules;

namespace Pipeline.Trainer.Training;

/// <summary>
/// Everything needed to continue a trial after epoch <c>History.Epochs.Count</c>: the history so far, the seed the
/// per-epoch random streams derive from, the model (head only in transfer mode) and the optimizer state.
/// </summary>
internal sealed record TrainingCheckpoint(int Seed, TrainingHistory History)
{
    private static ReadOnlySpan<byte> Magic => "PCKP"u8;

    public int CompletedEpochs => History.Epochs.Count;

    public byte[] Write(ImageClassifier classifier, OptimizerHelper optimizer)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(JsonSerializer.Serialize(this, PipelineJson.Options));
            writer.Flush();
            // A frozen backbone is named in the model header instead of copied into every checkpoint.
            classifier.Save(buffer, includeBackbone: classifier.Mode == TrainingMode.Finetune);
            optimizer.save_state_dict(writer);
        }
        return buffer.ToArray();
    }

    /// <summary>Loads the model (and the optimizer state, when given) from <paramref name="bytes"/> into the given objects.</summary>
    public static TrainingCheckpoint Read(byte[] bytes, ImageClassifier classifier, OptimizerHelper? optimizer)
    {
        using var buffer = new MemoryStream(bytes, writable: false);
        using var reader = new BinaryReader(buffer, Encoding.UTF8, leaveOpen: true);
        try
        {
            if (!reader.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic))
                throw new PipelineException("Not a training checkpoint (bad magic).");
            var checkpoint = JsonSerializer.Deserialize<TrainingCheckpoint>(reader.ReadString(), PipelineJson.Options)
                             ?? throw new PipelineException("The training checkpoint's header is empty.");
            classifier.Restore(buffer);
            optimizer?.load_state_dict(reader);
            return checkpoint;
        }
        catch (Exception e) when (e is EndOfStreamException or JsonException)
        {
            throw new PipelineException($"The training checkpoint is truncated or corrupt: {e.Message}", e);
        }
    }
}
