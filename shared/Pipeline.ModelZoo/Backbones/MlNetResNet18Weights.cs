using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Onnx;
using Pipeline.ModelZoo.Normalization;
using Pipeline.Contracts;
using static TorchSharp.torch;

namespace Pipeline.ModelZoo.Backbones;

/// <summary>
/// The ImageNet ResNet that ships in the NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18 as ONNX (CNTK export):
/// its initializers are copied into the torchvision-layout network once, then read from a cache keyed by the ONNX sha256.
/// </summary>
internal sealed class MlNetResNet18Weights(string modelsDirectory, string cacheDirectory, ILogger logger)
{
    private const string Name = BackboneNames.MlNetResNet18;
    private const float BatchNormEpsilon = 1e-5f;
    private const string MeanImageInitializer = "MeanImage";

    private string ModelPath => Path.Combine(modelsDirectory, "ResNet18Onnx", "ResNet18.onnx");
    private string PreprocessPath => Path.Combine(modelsDirectory, "ResNetPrepOnnx", "ResNetPreprocess.onnx");

    public Backbone Load()
    {
        RequireFile(ModelPath);
        RequireFile(PreprocessPath);
        var sha = BackboneRegistry.Sha256OfFile(ModelPath);
        var cachePath = Path.Combine(cacheDirectory, $"{Name}-{sha}.bin");
        if (File.Exists(cachePath))
        {
            var cached = Empty(sha, meanImage: null);
            try
            {
                cached.load(cachePath);
                return cached;
            }
            catch (Exception e)
            {
                // libtorch reports a torn or foreign file in many ways; whatever it says, the cache is rebuilt, not the run failed.
                logger.LogWarning("Ignoring the unreadable weights cache {CachePath} ({Reason}); converting {Model} again", cachePath, e.Message, ModelPath);
                cached.Dispose();
            }
        }
        var backbone = Convert(sha);
        try
        {
            SaveAtomically(backbone, cachePath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("Cannot write the weights cache {CachePath} ({Reason}); going on with the converted weights in memory. " +
                              "Set Pipeline:Trainer:WeightsCache (or XDG_CACHE_HOME) to a writable folder to convert only once.", cachePath, e.Message);
        }
        return backbone;
    }

    private static Backbone Empty(string sha, Tensor? meanImage) =>
        // Mean is reported from the mean image once it is there; std 1 = no division, as the ONNX model does.
        new(Name, sha, new InputNormalization(ChannelOrder.Bgr, 1f, [0f, 0f, 0f], [1f, 1f, 1f], PerPixelMean: true),
            BackboneRegistry.InputSize, BackboneRegistry.InputSize, meanImage);

    private Backbone Convert(string sha)
    {
        using var meanImage = ReadMeanImage();
        var backbone = Empty(sha, meanImage);
        var graph = Parse(ModelPath).Graph;
        var initializers = graph.Initializer.ToDictionary(tensor => tensor.Name);
        var batchNormByInput = graph.Node.Where(node => node.OpType == "BatchNormalization").ToDictionary(node => node.Input[0]);
        var convs = graph.Node.Where(node => node.OpType == "Conv").ToList();
        var targets = backbone.Network.ConvBatchNormPairs().ToList();
        if (convs.Count != targets.Count)
            throw Invalid(ModelPath, $"it has {convs.Count} convolutions; a {Name} has {targets.Count}");
        var state = backbone.Network.state_dict();
        using (no_grad())
        {
            foreach (var (conv, (convName, batchNormName)) in convs.Zip(targets))
            {
                if (!batchNormByInput.TryGetValue(conv.Output[0], out var batchNorm))
                    throw Invalid(ModelPath, $"convolution '{conv.Name}' is not followed by a BatchNormalization");
                if (batchNorm.Attribute.FirstOrDefault(a => a.Name == "epsilon") is { } epsilon && Math.Abs(epsilon.F - BatchNormEpsilon) > 1e-9)
                    throw Invalid(ModelPath, $"BatchNormalization '{batchNorm.Name}' has epsilon {epsilon.F}, expected {BatchNormEpsilon}");
                Copy(initializers, conv.Input[1], state[$"{convName}.weight"]);
                string[] batchNormParameters = ["weight", "bias", "running_mean", "running_var"];
                for (var i = 0; i < batchNormParameters.Length; i++)
                    Copy(initializers, batchNorm.Input[i + 1], state[$"{batchNormName}.{batchNormParameters[i]}"]);
            }
        }
        return backbone;
    }

    /// <summary>ResNetPreprocess.onnx splits RGB planes, concatenates them as BGR and subtracts a [1,3,224,224] mean image.</summary>
    private Tensor ReadMeanImage()
    {
        var graph = Parse(PreprocessPath).Graph;
        var split = graph.Node.SingleOrDefault(node => node.OpType == "Split");
        var concat = graph.Node.SingleOrDefault(node => node.OpType == "Concat");
        var sub = graph.Node.SingleOrDefault(node => node.OpType == "Sub");
        var mean = graph.Initializer.SingleOrDefault(tensor => tensor.Name == MeanImageInitializer);
        if (split is null || concat is null || sub is null || mean is null
            || !concat.Input.SequenceEqual(split.Output.Reverse()) || sub.Input[1] != MeanImageInitializer
            || !mean.Dims.SequenceEqual([1L, 3, BackboneRegistry.InputSize, BackboneRegistry.InputSize]))
            throw Invalid(PreprocessPath, "it is not the RGB-to-BGR minus mean image model this pipeline knows");
        return tensor(Floats(mean), [3, BackboneRegistry.InputSize, BackboneRegistry.InputSize]);
    }

    private void Copy(Dictionary<string, TensorProto> initializers, string name, Tensor target)
    {
        if (!initializers.TryGetValue(name, out var source))
            throw Invalid(ModelPath, $"initializer '{name}' is missing");
        if (!source.Dims.SequenceEqual(target.shape))
            throw Invalid(ModelPath, $"initializer '{name}' has shape [{string.Join(",", source.Dims)}], expected [{string.Join(",", target.shape)}]");
        using var values = tensor(Floats(source), target.shape);
        target.copy_(values);
    }

    private static float[] Floats(TensorProto tensor)
    {
        if (tensor.DataType != (int)TensorProto.Types.DataType.Float)
            throw new PipelineException($"ONNX initializer '{tensor.Name}' is not float32.");
        return tensor.FloatData.Count > 0
            ? tensor.FloatData.ToArray()
            : System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(tensor.RawData.Span).ToArray();
    }

    private static ModelProto Parse(string path)
    {
        try
        {
            return ModelProto.Parser.ParseFromFile(path);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw Invalid(path, e.Message);
        }
    }

    private static void SaveAtomically(Backbone backbone, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = $"{path}.{Guid.NewGuid():N}.partial";
        try
        {
            backbone.save(temp);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
                File.Delete(temp);
        }
    }

    private static void RequireFile(string path)
    {
        if (!File.Exists(path))
            throw new PipelineException(
                $"The offline backbone '{Name}' is missing its ONNX file '{path}'. It is copied there from the NuGet package " +
                "Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1 when the app is built or published; rebuild it, or pass a models folder that holds it.");
    }

    private static PipelineException Invalid(string path, string problem) =>
        new($"'{path}' is not the {Name} ONNX model this pipeline can convert: {problem}.");
}
