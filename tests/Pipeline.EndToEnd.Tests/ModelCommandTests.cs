using System.Text.Json;
using Pipeline.Testing;

namespace Pipeline.EndToEnd.Tests;

/// <summary>`predict` and `evaluate` on a model trained by a real run.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class ModelCommandTests(FashionMnistFixture data)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task Predict_over_the_test_split_reproduces_the_evaluators_accuracy_exactly()
    {
        var run = await data.TrainedRunAsync();
        using var runFile = JsonDocument.Parse(File.ReadAllText(Path.Combine(run.RunFolder, "run.json")));
        var batchSize = runFile.RootElement.GetProperty("spec").GetProperty("evaluation").GetProperty("batchSize").GetInt32();
        var fingerprint = runFile.RootElement.GetProperty("datasetFingerprint").GetString()!;
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(run.Store, "objects", "prepared", fingerprint, "manifest.json")));
        var testFiles = manifest.RootElement.GetProperty("splits").GetProperty("test").GetProperty("files").EnumerateArray()
            .Select(file => Path.Combine(data.DataDir, file.GetString()!)).ToArray();

        var result = await PipelineCli.RunAsync(Timeout, ["predict", $"run:{run.RunId}", .. testFiles, "--batch-size", batchSize.ToString(), "--store", run.Store, "--json"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        var predictions = result.Json().GetProperty("predictions").EnumerateArray().ToList();
        Assert.Equal(testFiles, predictions.Select(p => p.GetProperty("path").GetString()));
        var correct = predictions.Count(p => p.GetProperty("top")[0].GetProperty("class").GetString() == Path.GetFileName(Path.GetDirectoryName(p.GetProperty("path").GetString())));
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(run.ReportDir, "metrics.json")));
        Assert.Equal(metrics.RootElement.GetProperty("accuracy").GetDouble(), (double)correct / testFiles.Length);
    }

    [Fact]
    public async Task Predict_on_a_folder_prints_csv_of_the_top_classes_and_reports_a_bad_file_without_failing()
    {
        var run = await data.TrainedRunAsync();
        var folder = Path.Combine(data.Root, "to-classify-" + Guid.NewGuid().ToString("N"));
        var images = Directory.GetFiles(Path.Combine(data.DataDir, "bag")).Order(StringComparer.Ordinal).Take(3).ToList();
        foreach (var (image, i) in images.Select((image, i) => (image, i)))
            File.Copy(image, InNewFolder(Path.Combine(folder, i == 0 ? "a,b.png" : $"nested/{i}.png")));
        File.WriteAllText(Path.Combine(folder, "broken.jpg"), "not a JPEG");

        var result = await PipelineCli.RunAsync(Timeout, "predict", $"run:{run.RunId}", folder, "--top", "2", "--store", run.Store);

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("path,rank,class,probability", lines[0]);
        Assert.Equal(1 + 3 * 2, lines.Length);
        Assert.StartsWith($"\"{Path.Combine(folder, "a,b.png")}\",1,", lines[1]);
        Assert.StartsWith($"\"{Path.Combine(folder, "a,b.png")}\",2,", lines[2]);
        var first = double.Parse(lines[1].Split(',')[^1], System.Globalization.CultureInfo.InvariantCulture);
        var second = double.Parse(lines[2].Split(',')[^1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(first >= second && second > 0, result.ToString());
        Assert.Contains($"error: {Path.Combine(folder, "broken.jpg")}: not an image", result.Stderr);
    }

    [Fact]
    public async Task Predict_exits_1_when_no_image_could_be_classified_with_the_errors_in_json()
    {
        var run = await data.TrainedRunAsync();
        var missing = Path.Combine(data.Root, "no-such-image.png");

        var result = await PipelineCli.RunAsync(Timeout, "predict", $"run:{run.RunId}", missing, "--store", run.Store, "--json");

        Assert.True(result.ExitCode == 1, result.ToString());
        var json = result.Json();
        Assert.Equal(0, json.GetProperty("predictions").GetArrayLength());
        var error = Assert.Single(json.GetProperty("errors").EnumerateArray());
        Assert.Equal((missing, "the file does not exist"), (error.GetProperty("path").GetString(), error.GetProperty("error").GetString()));
    }

    [Theory]
    [InlineData("run:0123456789abcdef0123456789abcdef", "has no completed trial")]
    [InlineData("/nowhere/model.safetensors", "does not exist")]
    public async Task A_model_that_cannot_be_found_is_a_usage_error_with_one_json_object(string model, string expected)
    {
        var result = await PipelineCli.RunAsync(Timeout, "predict", model, data.DataDir, "--store", data.NewStore(), "--json");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(expected, result.Json().GetProperty("error").GetString());
    }

    [Theory]
    [InlineData("predict", "predictions")]
    [InlineData("evaluate", "reportDir")]
    public async Task A_command_line_that_does_not_parse_is_a_usage_error_in_the_commands_own_json_shape(string command, string field)
    {
        var result = await PipelineCli.RunAsync(Timeout, command, "model.safetensors", data.DataDir, "--batch-size", "many", "--json");

        Assert.True(result.ExitCode == 2, result.ToString());
        var json = result.Json();
        Assert.True(json.TryGetProperty(field, out _), result.ToString());
        Assert.Contains("many", json.GetProperty("error").GetString());
    }

    [Theory]
    [InlineData("predict", "MODEL", "--top", "--batch-size", "--store", "--json", "path,rank,class,probability")]
    [InlineData("evaluate", "MODEL", "DIR", "--out", "--mistakes", "--store", "--json")]
    public async Task Help_explains_every_argument_and_option(string command, params string[] expected)
    {
        var result = await PipelineCli.RunAsync(Timeout, command, "--help");

        Assert.Equal(0, result.ExitCode);
        foreach (var text in expected.Append("run:<id>"))
            Assert.Contains(text, result.Stdout);
    }

    [Fact]
    public async Task Evaluate_writes_the_full_report_for_a_new_labelled_folder()
    {
        var run = await data.TrainedRunAsync();
        var folder = Path.Combine(data.Root, "new-labelled-" + Guid.NewGuid().ToString("N"));
        foreach (var name in new[] { "bag", "trouser" })
            foreach (var image in Directory.GetFiles(Path.Combine(data.DataDir, name)).Order(StringComparer.Ordinal).Take(4))
                File.Copy(image, InNewFolder(Path.Combine(folder, name, Path.GetFileName(image))));
        File.WriteAllText(Path.Combine(folder, "bag", "broken.png"), "not a PNG");
        var reportDir = Path.Combine(data.Root, "evaluation-" + Guid.NewGuid().ToString("N"));

        var result = await PipelineCli.RunAsync(Timeout, "evaluate", Path.Combine(run.RunFolder, "trials", "t1", "model.safetensors"), folder,
            "--out", reportDir, "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var json = result.Json();
        Assert.Equal(reportDir, json.GetProperty("reportDir").GetString());
        Assert.Equal(8, json.GetProperty("count").GetInt32());
        Assert.Equal(Path.Combine(folder, "bag", "broken.png"), Assert.Single(json.GetProperty("errors").EnumerateArray()).GetProperty("path").GetString());
        // The model file sits in its trial folder, beside its history: the report shows how it was trained.
        foreach (var file in new[] { "metrics.json", "confusion.png", "f1.png", "reliability.png", "curves.png", "report.html" })
            Assert.True(File.Exists(Path.Combine(reportDir, file)), $"{file} missing in {reportDir}");
        var metricsJson = File.ReadAllText(Path.Combine(reportDir, "metrics.json"));
        DocumentSchemas.AssertValid(DocumentSchemas.Metrics, metricsJson);
        using var metrics = JsonDocument.Parse(metricsJson);
        Assert.Equal(json.GetProperty("accuracy").GetDouble(), metrics.RootElement.GetProperty("accuracy").GetDouble());
        Assert.Equal(10, metrics.RootElement.GetProperty("classes").GetArrayLength()); // the model's classes, two of them present
        Assert.Contains("## Evaluation", result.Stderr);
        Assert.Contains($"Report: {Path.Combine(reportDir, "report.html")}", result.Stderr);
    }

    [Fact]
    public async Task Evaluate_refuses_a_folder_with_a_class_the_model_does_not_know()
    {
        var run = await data.TrainedRunAsync();
        var folder = Path.Combine(data.Root, "unknown-class-" + Guid.NewGuid().ToString("N"));
        foreach (var name in new[] { "bag", "zebra" })
            File.Copy(Directory.GetFiles(Path.Combine(data.DataDir, "bag"))[0], InNewFolder(Path.Combine(folder, name, "1.png")));

        var result = await PipelineCli.RunAsync(Timeout, "evaluate", $"run:{run.RunId}", folder, "--store", run.Store, "--json");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("no class named 'zebra'", result.Json().GetProperty("error").GetString());
    }

    /// <summary>The path, after creating the folder it goes in.</summary>
    private static string InNewFolder(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
    }
}
