using System.Security.Cryptography;
using Pipeline.ModelZoo.Normalization;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Pipeline.ModelZoo.Backbones;

/// <summary>Loads a torchvision ImageNet state_dict (<c>torch.save(model.state_dict(), path)</c>) into a backbone.</summary>
internal static class TorchvisionWeights
{
    /// <summary>The 1000-class ImageNet head is dropped: the classifier brings its own.</summary>
    private static readonly string[] ImageNetHead = ["fc.weight", "fc.bias"];

    /// <param name="source">How the user named the weights, for error messages.</param>
    /// <param name="stream">A seekable stream over the .pth file.</param>
    /// <param name="sha256Prefix">The start of the file's sha256 that its torchvision-style name promises, when it has one.</param>
    public static Backbone Load(string name, string source, Stream stream, string? sha256Prefix = null)
    {
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(stream));
        stream.Position = 0;
        if (sha256Prefix is not null && !sha256.StartsWith(sha256Prefix, StringComparison.Ordinal))
            throw new PipelineException(
                $"'{source}' has sha256 {sha256}, which does not start with {sha256Prefix} as its name says: it is damaged or not the file named. " +
                "Delete it; a run downloads it again.");
        StateDictPreflight.Check(source, stream);
        var backbone = new Backbone(name, sha256, InputNormalization.ImageNet, BackboneRegistry.InputSize, BackboneRegistry.InputSize);
        var loaded = Read(source, stream);
        try
        {
            CheckKeysAndShapes(name, source, backbone, loaded);
            backbone.Network.load_state_dict(loaded, strict: true, skip: ImageNetHead);
        }
        finally
        {
            foreach (var tensor in loaded.Values)
                tensor.Dispose();
        }
        return backbone;
    }

    private static Dictionary<string, Tensor> Read(string source, Stream stream)
    {
        try
        {
            var table = PyTorchUnpickler.UnpickleStateDict(stream, leaveOpen: true, skipTensorRead: false);
            return table.Keys.Cast<string>().ToDictionary(key => key, key => (Tensor)table[key]!);
        }
        catch (Exception e)
        {
            throw new PipelineException($"'{source}' is not a PyTorch state_dict file (save one with torch.save(model.state_dict(), path)): {e.Message}", e);
        }
    }

    private static void CheckKeysAndShapes(string name, string source, Backbone backbone, Dictionary<string, Tensor> loaded)
    {
        var expected = backbone.Network.state_dict();
        var problems = expected.Keys.Where(key => !loaded.ContainsKey(key)).Select(key => $"missing '{key}'")
            .Concat(loaded.Keys.Where(key => !expected.ContainsKey(key) && !ImageNetHead.Contains(key)).Select(key => $"unexpected '{key}'"))
            .Concat(expected.Where(pair => loaded.TryGetValue(pair.Key, out var tensor) && !tensor.shape.SequenceEqual(pair.Value.shape))
                .Select(pair => $"'{pair.Key}' has shape [{string.Join(",", loaded[pair.Key].shape)}], expected [{string.Join(",", pair.Value.shape)}]"))
            .ToList();
        if (problems.Count > 0)
            throw new PipelineException(
                $"'{source}' does not hold torchvision {name} weights ({problems.Count} problems; first: {string.Join("; ", problems.Take(5))}).");
    }
}
