using Pipeline.Datasets;
using Pipeline.Models.Backbones;
using Pipeline.Models.Classification;
using Pipeline.Models.ResNets;
using Pipeline.Runs;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Pipeline.Models.Tests;

[Collection(LibTorchCollection.Name)]
public sealed class ClassifierTests(BackboneFixture fixture)
{
    private static readonly string[] Classes = ["a", "b", "c"];

    [Fact]
    public void Torchvision_resnet_layouts_have_torchvision_state_dict_names()
    {
        using var resnet50 = new ResNet(ResNetArchitecture.ResNet50, numClasses: 1000);
        var keys = resnet50.state_dict().Keys.ToList();
        Assert.Equal(320, keys.Count);
        Assert.Contains("layer1.0.downsample.0.weight", keys);
        Assert.Contains("layer4.2.bn3.num_batches_tracked", keys);
        Assert.Contains("fc.bias", keys);
        using var resnet18 = new ResNet(ResNetArchitecture.ResNet18, numClasses: 1000);
        Assert.Equal(122, resnet18.state_dict().Count);
        Assert.DoesNotContain("layer1.0.downsample.0.weight", resnet18.state_dict().Keys);
    }

    [Fact]
    public void Resnet50_loads_a_torchvision_state_dict_and_rejects_other_files()
    {
        var path = Path.Combine(fixture.CacheDirectory, "resnet50-test.pth");
        using (var source = new ResNet(ResNetArchitecture.ResNet50, numClasses: 1000))
            source.save_py(path);
        using var backbone = fixture.Registry.Load(BackboneNames.ResNet50, path);
        Assert.Equal(2048, backbone.FeatureCount);
        using var reference = new ResNet(ResNetArchitecture.ResNet50, numClasses: 1000);
        reference.load_py(path);
        Assert.True(reference.state_dict()["layer3.5.conv2.weight"].eq(backbone.Network.state_dict()["layer3.5.conv2.weight"]).all().item<bool>());

        Assert.Contains("does not exist", Assert.Throws<PipelineException>(() => fixture.Registry.Load(BackboneNames.ResNet50, path + ".missing")).Message);
        Assert.Contains("needs ImageNet weights", Assert.Throws<PipelineException>(() => fixture.Registry.Load(BackboneNames.ResNet50)).Message);
        var garbage = Path.Combine(fixture.CacheDirectory, "garbage.pth");
        File.WriteAllText(garbage, "not weights");
        Assert.Contains("not a PyTorch state_dict", Assert.Throws<PipelineException>(() => fixture.Registry.Load(BackboneNames.ResNet50, garbage)).Message);
        var resnet18 = Path.Combine(fixture.CacheDirectory, "resnet18-test.pth");
        using (var wrong = new ResNet(ResNetArchitecture.ResNet18, numClasses: 1000))
            wrong.save_py(resnet18);
        Assert.Contains("does not hold torchvision resnet50 weights", Assert.Throws<PipelineException>(() => fixture.Registry.Load(BackboneNames.ResNet50, resnet18)).Message);
    }

    [Fact]
    public void Transfer_mode_keeps_the_backbone_frozen_and_in_eval_mode()
    {
        using var classifier = new ImageClassifier(fixture.Registry.Load(BackboneNames.MlNetResNet18), Classes, TrainingMode.Transfer);
        classifier.train();
        Assert.True(classifier.training);
        Assert.False(classifier.Backbone.training);
        Assert.All(classifier.Backbone.parameters(), p => Assert.False(p.requires_grad));
        Assert.Equal(2, classifier.TrainableParameters().Count());
        var before = classifier.Backbone.state_dict()["network.layer1.0.bn1.running_mean"].clone();
        using (var images = randint(0, 256, [2, 224, 224, 3], ScalarType.Byte))
        using (var logits = classifier.call(images))
            Assert.False(logits.requires_grad && classifier.Backbone.parameters().Any(p => p.grad is not null));
        Assert.True(before.eq(classifier.Backbone.state_dict()["network.layer1.0.bn1.running_mean"]).all().item<bool>());

        using var finetune = new ImageClassifier(fixture.Registry.Load(BackboneNames.MlNetResNet18), Classes, TrainingMode.Finetune);
        finetune.train();
        Assert.True(finetune.Backbone.training);
        Assert.Equal(finetune.parameters().Count(), finetune.TrainableParameters().Count());
    }

    [Fact]
    public void Model_file_round_trip_gives_identical_outputs()
    {
        var images = Images(count: 4);
        using var classifier = new ImageClassifier(fixture.Registry.Load(BackboneNames.MlNetResNet18), Classes, TrainingMode.Transfer);
        var expected = classifier.Predict(images, batchSize: 3);

        using var file = new MemoryStream();
        classifier.Save(file);
        file.Position = 0;
        using var loaded = ImageClassifier.Load(file);
        Assert.Equal(Classes, loaded.Classes);
        Assert.Equal(BackboneNames.MlNetResNet18, loaded.Backbone.Name);
        Assert.Equal(classifier.Backbone.WeightsSha256, loaded.Backbone.WeightsSha256);
        Assert.Equal(classifier.Backbone.Normalization.Mean, loaded.Backbone.Normalization.Mean);
        var actual = loaded.Predict(images, batchSize: 3);
        Assert.Equal(expected.Labels, actual.Labels);
        for (var i = 0; i < images.Count; i++)
            Assert.Equal(expected.Probabilities[i], actual.Probabilities[i]);
        Assert.All(actual.Probabilities, p => Assert.Equal(1.0, p.Sum(), 1e-5));
    }

    [Fact]
    public void Head_only_file_restores_into_the_same_backbone_and_nothing_else()
    {
        var images = Images(count: 2);
        using var classifier = new ImageClassifier(fixture.Registry.Load(BackboneNames.MlNetResNet18), Classes, TrainingMode.Transfer);
        using var file = new MemoryStream();
        classifier.Save(file, includeBackbone: false);
        Assert.True(file.Length < 100_000, $"a head-only file should be small, was {file.Length} bytes");

        file.Position = 0;
        Assert.Throws<PipelineException>(() => ImageClassifier.Load(file));
        file.Position = 0;
        using var restored = new ImageClassifier(fixture.Registry.Load(BackboneNames.MlNetResNet18), Classes, TrainingMode.Transfer);
        restored.Restore(file);
        Assert.Equal(classifier.Predict(images, 2).Probabilities, restored.Predict(images, 2).Probabilities);

        file.Position = 0;
        using var otherClasses = new ImageClassifier(fixture.Registry.Load(BackboneNames.MlNetResNet18), ["x", "y"], TrainingMode.Transfer);
        Assert.Throws<PipelineException>(() => otherClasses.Restore(file));
    }

    private static SplitImages Images(int count)
    {
        var pixels = Enumerable.Range(0, count).SelectMany(i => TestImages.Natural(224, seed: i)).ToArray();
        return new SplitImages(pixels, new int[count], 224, 224);
    }
}
