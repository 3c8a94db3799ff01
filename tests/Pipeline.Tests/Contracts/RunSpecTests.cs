using System.Text.Json;
using Pipeline.Contracts;

namespace Pipeline.Tests.Contracts;

public sealed class RunSpecTests
{
    [Fact]
    public void The_specification_is_camel_case_json_in_groups_with_enums_by_name()
    {
        var spec = new RunSpec { Dataset = "flowers", Training = new TrainingSpec { Backbone = BackboneNames.MlNetResNet18, Mode = TrainingMode.Finetune } };

        using var json = JsonDocument.Parse(JsonSerializer.Serialize(spec, PipelineJson.Options));

        var root = json.RootElement;
        Assert.Equal(["dataset", "seed", "preprocessing", "training", "evaluation"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("finetune", root.GetProperty("training").GetProperty("mode").GetString());
        Assert.Equal("crop", root.GetProperty("preprocessing").GetProperty("resize").GetString());
        Assert.Equal("70/15/15", root.GetProperty("preprocessing").GetProperty("split").GetString());
        Assert.Equal(spec, JsonSerializer.Deserialize<RunSpec>(json.RootElement.GetRawText(), PipelineJson.Options));
    }

    [Theory]
    [InlineData("""{ "dataset": "d", "training": { "mode": 1 } }""")]
    [InlineData("""{ "dataset": "d", "preprocessing": { "resize": 0 } }""")]
    [InlineData("""{ "dataset": "d", "training": { "mode": "sideways" } }""")]
    [InlineData("""{ "dataset": "d", "training": { "mode": 7 } }""")]
    [InlineData("""{ "dataset": "d", "training": { "mode": "7" } }""")]
    [InlineData("""{ "dataset": "d", "Training": { "Mode": "foo" } }""")]
    [InlineData("""{ "dataset": "d", "training": { "schedule": "linear" } }""")]
    [InlineData("""{ "dataset": "d", "training": { "classWeights": 1 } }""")]
    [InlineData("""{ "dataset": "d", "training": { "device": "gpu" } }""")]
    [InlineData("""{ "training": {} }""")]
    [InlineData("""{ "dataset": "d", "evaluation": null }""")]
    public void Numbers_for_enums_unknown_names_missing_datasets_and_null_groups_are_refused(string json)
    {
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<RunSpec>(json, PipelineJson.Options));
    }

    [Fact]
    public void Missing_fields_take_the_documented_defaults()
    {
        var spec = JsonSerializer.Deserialize<RunSpec>("""{ "dataset": "d", "training": { "backbone": "mlnet-resnet18" } }""", PipelineJson.Options)!;

        Assert.Equal((42, 15, 32, 1e-3, TrainingMode.Transfer), (spec.Seed, spec.Training.Epochs, spec.Training.BatchSize, spec.Training.LearningRate, spec.Training.Mode));
        Assert.Equal((224, ResizeMode.Crop, "#ffffff"), (spec.Preprocessing.ImageSize, spec.Preprocessing.Resize, spec.Preprocessing.Background));
        Assert.Equal(WeightsReference.MlNetResNet18, spec.Training.EffectiveWeights);
        Assert.Equal((null, 0.0, 0.0, null, 15.0, true), (spec.Training.BackboneLearningRate, spec.Training.WeightDecay, spec.Training.LabelSmoothing,
            spec.Training.Patience, spec.Training.Rotation, spec.Training.Flip));
        Assert.Equal((LearningRateSchedule.Constant, ClassWeighting.None, TrainingDevice.Auto), (spec.Training.Schedule, spec.Training.ClassWeights, spec.Training.Device));
        Assert.Equal(spec.Training.LearningRate, spec.Training.EffectiveBackboneLearningRate);
        Assert.Empty(spec.Validate());
    }

    [Fact]
    public void The_training_options_are_camel_case_json_with_their_enums_by_name()
    {
        var training = new TrainingSpec
        {
            Backbone = BackboneNames.MlNetResNet18, Mode = TrainingMode.Partial, BackboneLearningRate = 1e-4, WeightDecay = 1e-4, LabelSmoothing = 0.1, Patience = 3,
            Rotation = 10, Flip = false, Schedule = LearningRateSchedule.Cosine, ClassWeights = ClassWeighting.Balanced, Device = TrainingDevice.Cuda,
        };

        using var json = JsonDocument.Parse(JsonSerializer.Serialize(training, PipelineJson.Options));

        var root = json.RootElement;
        Assert.Equal(("partial", "cosine", "balanced", "cuda"), (root.GetProperty("mode").GetString(), root.GetProperty("schedule").GetString(),
            root.GetProperty("classWeights").GetString(), root.GetProperty("device").GetString()));
        Assert.Equal((1e-4, 1e-4, 0.1, 3, 10.0, false), (root.GetProperty("backboneLearningRate").GetDouble(), root.GetProperty("weightDecay").GetDouble(),
            root.GetProperty("labelSmoothing").GetDouble(), root.GetProperty("patience").GetInt32(), root.GetProperty("rotation").GetDouble(), root.GetProperty("flip").GetBoolean()));
        Assert.Equal(training, JsonSerializer.Deserialize<TrainingSpec>(root.GetRawText(), PipelineJson.Options));
        Assert.Empty(new RunSpec { Dataset = "d", Training = training }.Validate());
    }

    [Theory]
    [InlineData("training.backboneLearningRate", """{ "backboneLearningRate": 0 }""")]
    [InlineData("training.backboneLearningRate", """{ "backboneLearningRate": "NaN" }""")]
    [InlineData("training.weightDecay", """{ "weightDecay": -1e-4 }""")]
    [InlineData("training.weightDecay", """{ "weightDecay": 2 }""")]
    [InlineData("training.labelSmoothing", """{ "labelSmoothing": 1 }""")]
    [InlineData("training.labelSmoothing", """{ "labelSmoothing": -0.1 }""")]
    [InlineData("training.patience", """{ "patience": 0 }""")]
    [InlineData("training.rotation", """{ "rotation": -1 }""")]
    [InlineData("training.rotation", """{ "rotation": 181 }""")]
    [InlineData("training.rotation", """{ "rotation": "Infinity" }""")]
    public void Each_bad_training_option_is_reported_under_its_own_field_alone(string field, string trainingJson)
    {
        var training = JsonSerializer.Deserialize<TrainingSpec>(trainingJson, PipelineJson.Options)! with { Backbone = BackboneNames.MlNetResNet18 };

        var errors = new RunSpec { Dataset = "d", Training = training }.Validate();

        Assert.Equal([field], errors.Keys);
    }

    [Fact]
    public void Undefined_enum_values_are_refused_with_the_names_they_may_take()
    {
        var training = new TrainingSpec
        {
            Backbone = BackboneNames.MlNetResNet18, Mode = (TrainingMode)7, Schedule = (LearningRateSchedule)2, ClassWeights = (ClassWeighting)(-1), Device = (TrainingDevice)3,
        };

        var errors = new RunSpec { Dataset = "d", Training = training }.Validate();

        Assert.Equal(["training.classWeights", "training.device", "training.mode", "training.schedule"], errors.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("must be one of transfer, finetune, partial (got 7)", Assert.Single(errors["training.mode"]));
        Assert.Equal("must be one of auto, cpu, cuda (got 3)", Assert.Single(errors["training.device"]));
    }

    [Fact]
    public void Every_problem_is_reported_under_its_field_path()
    {
        var spec = new RunSpec
        {
            Dataset = "../etc",
            Preprocessing = new PreprocessingSpec { Split = new SplitRatios(90, 20, 10), ImageSize = 8, Background = "white" },
            Training = new TrainingSpec { Backbone = BackboneNames.ResNet50, Weights = "/dev/zero", Epochs = 0, BatchSize = 0, LearningRate = -1, Threads = 0, Views = 0 },
            Evaluation = new EvaluationSpec { BatchSize = 0, Mistakes = 1000 },
        };

        var errors = spec.Validate();

        Assert.Equal(
            ["dataset", "evaluation.batchSize", "evaluation.mistakes", "preprocessing.background", "preprocessing.imageSize", "preprocessing.split",
             "training.batchSize", "training.epochs", "training.learningRate", "training.threads", "training.views", "training.weights"],
            errors.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("unknown weights '/dev/zero'", errors["training.weights"][0]);
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(-1, false)]
    [InlineData(TrainingSpec.MaxViews + 1, false)]
    [InlineData(1, true)]
    [InlineData(TrainingSpec.MaxViews, true)]
    public void Views_per_training_image_must_be_at_least_one(int views, bool valid)
    {
        var spec = new RunSpec { Dataset = "flowers", Training = new TrainingSpec { Backbone = BackboneNames.MlNetResNet18, Views = views } };

        var errors = spec.Validate();

        Assert.Equal(valid, !errors.ContainsKey("training.views"));
        Assert.Equal(valid, errors.Count == 0);
    }

    [Theory]
    [InlineData("store:weights/abc.pth", BackboneNames.ResNet50, null)]
    [InlineData(WeightsReference.ResNet50V2, BackboneNames.ResNet50, null)]
    [InlineData("store:../etc/passwd", BackboneNames.ResNet50, "does not name an object")]
    [InlineData("store:/abs", BackboneNames.ResNet50, "does not name an object")]
    [InlineData(WeightsReference.ResNet50V1, BackboneNames.MlNetResNet18, "belong to backbone 'resnet50'")]
    [InlineData(WeightsReference.ResNet101V2, BackboneNames.ResNet101, null)]
    [InlineData(WeightsReference.ResNet18V1, BackboneNames.ResNet34, "belong to backbone 'resnet18'")]
    [InlineData(WeightsReference.None, BackboneNames.ResNet152, null)]
    [InlineData(WeightsReference.None, BackboneNames.MlNetResNet18, "has no random initialisation")]
    [InlineData("https://example.com/models/resnet50-0676ba61.pth", BackboneNames.ResNet50, null)]
    [InlineData("https://example.com/w.pth", BackboneNames.ResNet50, "must carry the start of its sha256")]
    [InlineData("https://example.com/resnet18-f37072fd.pth", BackboneNames.MlNetResNet18, "takes no downloaded weights")]
    [InlineData("ftp://example.com/resnet18-f37072fd.pth", BackboneNames.ResNet18, "unknown weights")]
    [InlineData("/home/me/resnet18-f37072fd.pth", BackboneNames.ResNet18, "unknown weights")]
    public void Weights_are_named_by_reference_never_by_path(string reference, string backbone, string? problem)
    {
        var actual = WeightsReference.Problem(reference, backbone);

        if (problem is null)
            Assert.Null(actual);
        else
            Assert.Contains(problem, actual);
    }

    [Theory]
    [InlineData("Flowers 2024", "flowers-2024")]
    [InlineData("imagenette-mini", "imagenette-mini")]
    [InlineData("Ünïcode", "n-code")]
    [InlineData("...", "dataset")]
    public void A_folder_name_becomes_a_valid_dataset_name(string folder, string expected)
    {
        Assert.Equal(expected, DatasetNames.FromFolderName(folder));
        Assert.True(DatasetNames.IsValid(DatasetNames.FromFolderName(folder)));
    }
}
