using Pipeline.Contracts;
using Pipeline.ModelZoo.Classification;
using Pipeline.ModelZoo.Files;
using Pipeline.Tensors;

namespace Pipeline.ModelZoo.Tests;

[Collection(LibTorchCollection.Name)]
public sealed class ModelFileChecksumTests(BackboneFixture fixture)
{
    private static readonly string[] Classes = ["a", "b"];

    [Fact]
    public void A_model_file_carries_a_checksum_and_a_damaged_one_is_refused_before_it_is_used()
    {
        using var classifier = Classifier();
        var bytes = Save(classifier);
        var metadata = new SafetensorsReader(new MemoryStream(bytes)).Metadata;
        Assert.Equal(ModelFileHeader.CurrentSchemaVersion.ToString(), metadata["schemaVersion"]);
        Assert.Matches("^sha256:[0-9a-f]{64}$", metadata[ModelFile.ChecksumKey]);
        using (var intact = ImageClassifier.Load(new MemoryStream(bytes)))
            Assert.Equal(Classes, intact.Classes);

        bytes[^5] ^= 0x01;
        var error = Assert.Throws<PipelineException>(() => ImageClassifier.Load(new MemoryStream(bytes)));

        Assert.Contains("its contents do not match the checksum it was written with", error.Message);
    }

    [Fact]
    public void A_schema_version_2_file_without_a_checksum_still_reads_and_a_version_3_one_without_it_does_not()
    {
        using var classifier = Classifier();
        var version2 = classifier.AddTo(new SafetensorsWriter());
        version2.Metadata["schemaVersion"] = "2";
        using (var old = ImageClassifier.Load(new MemoryStream(version2.ToArray())))
            Assert.Equal(classifier.Backbone.WeightsSha256, old.Backbone.WeightsSha256);

        var stripped = classifier.AddTo(new SafetensorsWriter());
        var error = Assert.Throws<PipelineException>(() => ImageClassifier.Load(new MemoryStream(stripped.ToArray())));
        Assert.Contains("schema version 3 requires a checksum", error.Message);
    }

    private ImageClassifier Classifier() =>
        new(fixture.Load(BackboneNames.MlNetResNet18), Classes, TrainingMode.Transfer, new PreprocessingSpec());

    private static byte[] Save(ImageClassifier classifier)
    {
        using var file = new MemoryStream();
        classifier.Save(file);
        return file.ToArray();
    }
}
