using System.Text;
using System.Text.Json;
using Pipeline.Contracts;
using Pipeline.ModelZoo.Classification;

namespace Pipeline.ModelZoo.Tests;

[Collection(LibTorchCollection.Name)]
public sealed class ModelFileTests(BackboneFixture fixture)
{
    private static readonly string[] Classes = ["cat", "dog", "émeu"];

    [Fact]
    public void A_model_file_opens_in_python_with_torch_and_json_alone()
    {
        using var classifier = new ImageClassifier(fixture.Load(BackboneNames.MlNetResNet18), Classes, TrainingMode.Transfer,
            new PreprocessingSpec { Resize = ResizeMode.Stretch });
        var path = Path.Combine(fixture.Folder, "model.safetensors");
        using (var file = File.Create(path))
            classifier.Save(file);

        using var python = JsonDocument.Parse(SystemPython.RunScript("Python/read_model.py", path));

        var root = python.RootElement;
        Assert.Equal(Classes, root.GetProperty("classes").EnumerateArray().Select(c => c.GetString()));
        var metadata = root.GetProperty("metadata");
        Assert.Equal(("pipeline-model", "mlnet-resnet18", "transfer", "true"),
            (metadata.GetProperty("format").GetString(), metadata.GetProperty("backbone").GetString(), metadata.GetProperty("mode").GetString(),
             metadata.GetProperty("includesBackbone").GetString()));
        using var preprocessing = JsonDocument.Parse(metadata.GetProperty("preprocessing").GetString()!);
        Assert.Equal("stretch", preprocessing.RootElement.GetProperty("resize").GetString());
        var tensors = root.GetProperty("tensors");
        Assert.Equal(classifier.state_dict().Count, tensors.EnumerateObject().Count());
        var head = tensors.GetProperty("head.weight");
        Assert.Equal([3, 512], head.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()));
        var expected = classifier.state_dict()["head.weight"].to(TorchSharp.torch.ScalarType.Float64).sum().item<double>();
        Assert.Equal(expected, head.GetProperty("sum").GetDouble(), 1e-9);
    }

    [Theory]
    [InlineData("PMDL")]
    [InlineData("PCKP")]
    public void A_model_file_from_before_safetensors_asks_for_a_rerun(string magic)
    {
        using var file = new MemoryStream([.. Encoding.ASCII.GetBytes(magic), .. new byte[64]]);

        var error = Assert.Throws<PipelineException>(() => ImageClassifier.Load(file));

        Assert.Contains("earlier version of the pipeline", error.Message);
        Assert.Contains("Re-run the training", error.Message);
    }

    [Fact]
    public void A_file_that_is_not_a_model_is_a_clear_error()
    {
        using var file = new MemoryStream(Encoding.UTF8.GetBytes("this is a text file, not weights"));

        var error = Assert.Throws<PipelineException>(() => ImageClassifier.Load(file));

        Assert.StartsWith("Not a readable model file", error.Message);
    }
}
