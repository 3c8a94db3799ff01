using Pipeline.Datasets;
using Pipeline.ModelZoo.Backbones;
using Pipeline.ModelZoo.Classification;
using Pipeline.ModelZoo.ResNets;
using Pipeline.Contracts;
using Pipeline.Runs;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Pipeline.ModelZoo.Tests;

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
    public void Resnet50_loads_a_torchvision_state_dict_from_the_store_and_rejects_other_files()
    {
        var path = Path.Combine(fixture.Folder, "resnet50-test.pth");
        using (var source = new ResNet(ResNetArchitecture.ResNet50, numClasses: 1000))
            source.save_py(path);
        var reference = fixture.Import(path);
        Assert.StartsWith("store:weights/", reference);
        using var backbone = fixture.Load(BackboneNames.ResNet50, reference);
        Assert.Equal(2048, backbone.FeatureCount);
        using var expected = new ResNet(ResNetArchitecture.ResNet50, numClasses: 1000);
        expected.load_py(path);
        Assert.True(expected.state_dict()["layer3.5.conv2.weight"].eq(backbone.Network.state_dict()["layer3.5.conv2.weight"]).all().item<bool>());

        Assert.Contains("not in the object store", Assert.Throws<PipelineException>(() => fixture.Load(BackboneNames.ResNet50, "store:weights/missing.pth")).Message);
        Assert.Contains("needs weights", Assert.Throws<PipelineException>(() => fixture.Load(BackboneNames.ResNet50)).Message);
        Assert.Contains("belong to backbone 'mlnet-resnet18'", Assert.Throws<PipelineException>(() => fixture.Load(BackboneNames.ResNet50, WeightsReference.MlNetResNet18)).Message);
        var garbage = Path.Combine(fixture.Folder, "garbage.pth");
        File.WriteAllText(garbage, "not weights");
        Assert.Contains("not a PyTorch state_dict", Assert.Throws<PipelineException>(() => fixture.Load(BackboneNames.ResNet50, fixture.Import(garbage))).Message);
        var resnet18 = Path.Combine(fixture.Folder, "resnet18-test.pth");
        using (var wrong = new ResNet(ResNetArchitecture.ResNet18, numClasses: 1000))
            wrong.save_py(resnet18);
        Assert.Contains("does not hold torchvision resnet50 weights", Assert.Throws<PipelineException>(() => fixture.Load(BackboneNames.ResNet50, fixture.Import(resnet18))).Message);
    }

    [Fact]
    public void A_state_dict_that_declares_more_than_it_holds_is_refused_before_anything_is_allocated()
    {
        var path = Path.Combine(fixture.Folder, "hostile.pth");
        SystemPython.RunScript("Python/write_hostile_pth.py", path);
        Assert.True(new FileInfo(path).Length < 10_000);

        var error = Assert.Throws<PipelineException>(() => fixture.Load(BackboneNames.ResNet50, fixture.Import(path)));

        Assert.Contains("tensor 'fc.weight' [2000000000] needs 8000000000 bytes; its storage holds 4", error.Message);
    }

    [Fact]
    public void Transfer_mode_keeps_the_backbone_frozen_and_in_eval_mode()
    {
        using var classifier = new ImageClassifier(fixture.Load(BackboneNames.MlNetResNet18), Classes, TrainingMode.Transfer, new PreprocessingSpec());
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

        using var finetune = new ImageClassifier(fixture.Load(BackboneNames.MlNetResNet18), Classes, TrainingMode.Finetune, new PreprocessingSpec());
        finetune.train();
        Assert.True(finetune.Backbone.training);
        Assert.Equal(finetune.parameters().Count(), finetune.TrainableParameters().Count());
    }

    [Fact]
    public void Model_file_round_trip_gives_identical_outputs()
    {
        var images = Images(count: 4);
        using var classifier = new ImageClassifier(fixture.Load(BackboneNames.MlNetResNet18), Classes, TrainingMode.Transfer, new PreprocessingSpec());
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
        using var classifier = new ImageClassifier(fixture.Load(BackboneNames.MlNetResNet18), Classes, TrainingMode.Transfer, new PreprocessingSpec());
        using var file = new MemoryStream();
        classifier.Save(file, includeBackbone: false);
        Assert.True(file.Length < 100_000, $"a head-only file should be small, was {file.Length} bytes");

        file.Position = 0;
        Assert.Throws<PipelineException>(() => ImageClassifier.Load(file));
        file.Position = 0;
        using var restored = new ImageClassifier(fixture.Load(BackboneNames.MlNetResNet18), Classes, TrainingMode.Transfer, new PreprocessingSpec());
        restored.Restore(file);
        Assert.Equal(classifier.Predict(images, 2).Probabilities, restored.Predict(images, 2).Probabilities);

        file.Position = 0;
        using var otherClasses = new ImageClassifier(fixture.Load(BackboneNames.MlNetResNet18), ["x", "y"], TrainingMode.Transfer, new PreprocessingSpec());
        Assert.Throws<PipelineException>(() => otherClasses.Restore(file));
    }

    private static SplitImages Images(int count)
    {
        var pixels = Enumerable.Range(0, count).SelectMany(i => TestPixels.Natural(224, seed: i)).ToArray();
        return new SplitImages(pixels, new int[count], 224, 224);
    }
}
