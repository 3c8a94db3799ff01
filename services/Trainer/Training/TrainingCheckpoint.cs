using System.Text.Json;
using Pipeline.Contracts;
using Pipeline.ModelZoo.Classification;
using Pipeline.ModelZoo.Files;
using Pipeline.Runs;
using Pipeline.Tensors;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Trainer.Training;

/// <summary>
/// Everything needed to continue a trial after epoch <c>History.Epochs.Count</c>, as a safetensors file: the model
/// (head only in transfer mode, the frozen backbone being named in the header; the whole classifier in finetune and partial modes), Adam's state per trainable parameter
/// (<c>optimizer.&lt;parameter&gt;.exp_avg</c>, <c>.exp_avg_sq</c>, <c>.step</c>) and the history so far in the metadata.
/// </summary>
internal sealed record TrainingCheckpoint(TrainingHistory History)
{
    private const string HistoryMetadata = "history";
    private const string OptimizerPrefix = "optimizer.";

    public int CompletedEpochs => History.Epochs.Count;

    public byte[] Write(ImageClassifier classifier, Adam optimizer)
    {
        var writer = classifier.AddTo(new SafetensorsWriter(), includeBackbone: classifier.Mode != TrainingMode.Transfer);
        writer.Metadata[HistoryMetadata] = JsonSerializer.Serialize(History, PipelineJson.Compact);
        foreach (var (name, state) in AdamStates(classifier, optimizer))
        {
            writer.AddTensor($"{OptimizerPrefix}{name}.exp_avg", state.exp_avg);
            writer.AddTensor($"{OptimizerPrefix}{name}.exp_avg_sq", state.exp_avg_sq);
            using var step = tensor(state.step);
            writer.AddTensor($"{OptimizerPrefix}{name}.step", step);
        }
        using var buffer = new MemoryStream();
        ModelFile.Write(writer, buffer);
        return buffer.ToArray();
    }

    /// <summary>Loads the model (and the optimizer state, when given) from a checkpoint file into the given objects.</summary>
    /// <exception cref="PipelineException">The file is not a checkpoint of this classifier, or is corrupt.</exception>
    public static TrainingCheckpoint Read(Stream stream, ImageClassifier classifier, Adam? optimizer)
    {
        var reader = ModelFile.Open(stream);
        // The checksum (in Open) and the history are checked before any tensor is copied: a damaged file leaves the classifier as it was.
        var history = ReadHistory(reader);
        classifier.Restore(reader, ModelFile.ReadHeader(reader));
        if (optimizer is not null)
            foreach (var (name, state) in AdamStates(classifier, optimizer))
            {
                reader.CopyTensorTo($"{OptimizerPrefix}{name}.exp_avg", state.exp_avg);
                reader.CopyTensorTo($"{OptimizerPrefix}{name}.exp_avg_sq", state.exp_avg_sq);
                using var step = tensor(0L);
                reader.CopyTensorTo($"{OptimizerPrefix}{name}.step", step);
                state.step = step.item<long>();
            }
        return new TrainingCheckpoint(history);
    }

    private static TrainingHistory ReadHistory(SafetensorsReader reader)
    {
        if (!reader.Metadata.TryGetValue(HistoryMetadata, out var historyJson))
            throw new PipelineException("Not a training checkpoint: its metadata holds no history.");
        try
        {
            return JsonSerializer.Deserialize<TrainingHistory>(historyJson, PipelineJson.Compact) ?? throw new JsonException("the history is null");
        }
        catch (JsonException e)
        {
            throw new PipelineException($"The training checkpoint's history is corrupt: {e.Message}", e);
        }
    }

    /// <summary>Adam keeps its state in the order of the parameters it was given: the classifier's trainable ones.</summary>
    private static IEnumerable<(string Name, Adam.State State)> AdamStates(ImageClassifier classifier, Adam optimizer) =>
        classifier.TrainableNamedParameters().Zip(optimizer.state_dict().State, (parameter, state) => (parameter.Name, (Adam.State)state));
}
