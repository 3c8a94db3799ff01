using Pipeline.Models.Normalization;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Pipeline.Models.Backbones;

/// <summary>Loads a torchvision ImageNet state_dict (<c>torch.save(model.state_dict(), path)</c>) into a backbone.</summary>
internal static class TorchvisionWeights
{
    /// <summary>The 1000-class ImageNet head is dropped: the classifier brings its own.</summary>
    private static readonly string[] ImageNetHead = ["fc.weight", "fc.bias"];

    public static Backbone Load(string name, string? path)
    {
        if (string.IsNullOrWhiteSpace(path))
            throw new PipelineException($"Backbone '{name}' needs ImageNet weights: a torchvision state_dict .pth file (e.g. resnet50-0676ba61.pth).");
        if (!File.Exists(path))
            throw new PipelineException($"The weights file '{path}' for backbone '{name}' does not exist.");
        var backbone = new Backbone(name, BackboneRegistry.Sha256OfFile(path), InputNormalization.ImageNet, BackboneRegistry.InputSize, BackboneRegistry.InputSize);
        var loaded = Read(path);
        try
        {
            CheckKeysAndShapes(name, path, backbone, loaded);
            backbone.Network.load_state_dict(loaded, strict: true, skip: ImageNetHead);
        }
        finally
        {
            foreach (var tensor in loaded.Values)
                tensor.Dispose();
        }
        return backbone;
    }

    private static Dictionary<string, Tensor> Read(string path)
    {
        try
        {
            var table = PyTorchUnpickler.UnpickleStateDict(path);
            return table.Keys.Cast<string>().ToDictionary(key => key, key => (Tensor)table[key]!);
        }
        catch (Exception e)
        {
            throw new PipelineException($"'{path}' is not a PyTorch state_dict file (save one with torch.save(model.state_dict(), path)): {e.Message}", e);
        }
    }

    private static void CheckKeysAndShapes(string name, string path, Backbone backbone, Dictionary<string, Tensor> loaded)
    {
        var expected = backbone.Network.state_dict();
        var problems = expected.Keys.Where(key => !loaded.ContainsKey(key)).Select(key => $"missing '{key}'")
            .Concat(loaded.Keys.Where(key => !expected.ContainsKey(key) && !ImageNetHead.Contains(key)).Select(key => $"unexpected '{key}'"))
            .Concat(expected.Where(pair => loaded.TryGetValue(pair.Key, out var tensor) && !tensor.shape.SequenceEqual(pair.Value.shape))
                .Select(pair => $"'{pair.Key}' has shape [{string.Join(",", loaded[pair.Key].shape)}], expected [{string.Join(",", pair.Value.shape)}]"))
            .ToList();
        if (problems.Count > 0)
            throw new PipelineException(
                $"'{path}' does not hold torchvision {name} weights ({problems.Count} problems; first: {string.Join("; ", problems.Take(5))}).");
    }
}
