using Pipeline.Contracts;
using Pipeline.Datasets;
using Pipeline.ModelZoo.Classification;
using Pipeline.Trainer.Training;
using Pipeline.Trainer.Training.Features;
using Pipeline.Trainer.Training.Optimization;
using Xunit.Abstractions;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Pipeline.ModelZoo.Tests;

/// <summary>
/// On a GPU the frozen backbone computes in bfloat16. CUDA is not at hand here, so the numerics are checked on the CPU,
/// which runs the same bfloat16 operators.
/// </summary>
[Collection(LibTorchCollection.Name)]
public sealed class BFloat16FeaturesTests(BackboneFixture fixture, ITestOutputHelper output)
{
    /// <summary>
    /// bfloat16 keeps 8 significant bits: each rounding is off by up to 2^-9 (0.2%) relative. Through ResNet18's 20
    /// convolutions and BatchNorms, independent roundings add up like a random walk to about 1% (1.3% measured here on
    /// these images); 3% leaves room for other inputs and is far below what a wrong network gives (about 100%).
    /// </summary>
    private const double RelativeTolerance = 0.03;

    [Fact]
    public void Bfloat16_backbone_features_are_close_to_float32_ones_and_a_head_trained_on_float32_features_classifies_them_alike()
    {
        using var classifier = new ImageClassifier(fixture.Load(BackboneNames.MlNetResNet18), SyntheticDataset.Classes, TrainingMode.Transfer, new PreprocessingSpec());
        using var scope = NewDisposeScope();
        var random = new Random(7);
        const int perClass = 4;
        var labels = tensor(Enumerable.Range(0, perClass * SyntheticDataset.Classes.Length).Select(i => (long)(i % SyntheticDataset.Classes.Length)).ToArray());
        var pixels = tensor(labels.data<long>().ToArray().SelectMany(label => TestPixels.OfClass((int)label, SyntheticDataset.Size, random)).ToArray(),
            [labels.shape[0], SyntheticDataset.Size, SyntheticDataset.Size, 3]);
        var float32 = classifier.Features(pixels);
        var float32Key = Key(classifier);

        classifier.RunFrozenLayersIn(ScalarType.BFloat16);
        var bfloat16 = classifier.Features(pixels);

        Assert.Equal(ScalarType.Float32, bfloat16.dtype);
        var relative = ((bfloat16 - float32).norm() / float32.norm()).item<float>();
        output.WriteLine($"relative difference of bfloat16 features: {relative:P3}");
        Assert.InRange(relative, 1e-6, RelativeTolerance);
        Assert.Equal(nameof(ScalarType.BFloat16), Key(classifier).Precision);
        Assert.NotEqual(float32Key.ObjectKey, Key(classifier).ObjectKey);

        // A head trained on float32 features predicts the same classes from bfloat16 ones.
        using var optimizer = new TrainingOptimizer(classifier, SyntheticDataset.Training);
        for (var step = 0; step < 200; step++)
        {
            optimizer.Adam.zero_grad();
            functional.cross_entropy(classifier.Classify(float32), labels).backward();
            optimizer.Adam.step();
        }
        using var noGrad = no_grad();
        var fromFloat32 = classifier.Classify(float32).argmax(1);
        Assert.True(fromFloat32.eq(labels).all().item<bool>(), "the head learns the float32 features");
        Assert.True(classifier.Classify(bfloat16).argmax(1).eq(fromFloat32).all().item<bool>(), "bfloat16 features give other classes");
    }

    private static FeatureKey Key(ImageClassifier classifier) =>
        FeatureKey.Of(classifier, "synthetic", DatasetSplits.Train, views: 1, new RandomRotationFlip(), seed: 1);
}
