using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Pipeline.Testing;

namespace Pipeline.EndToEnd.Tests;

[Collection(EndToEndCollection.Name)]
public sealed class RunCommandTests(FashionMnistFixture data)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(15);

    [Fact]
    public async Task A_run_trains_evaluates_and_reports()
    {
        // The collection's shared run: the tests of `predict` and `evaluate` use its model.
        var (store, _, _, result) = await data.TrainedRunAsync();

        var json = result.Json();
        Assert.Equal(1, json.GetProperty("schemaVersion").GetInt32());
        Assert.Equal("Completed", json.GetProperty("state").GetString());
        var accuracy = json.GetProperty("testAccuracy").GetDouble();
        Assert.True(accuracy > 0.35, $"test accuracy {accuracy} is not clearly above chance (0.1). {result}");
        Assert.Contains("epoch 2/2", result.Stderr);
        // Each stage's worker said how long it computed; none of it can exceed the stage's wall time as the CLI saw it.
        var compute = json.GetProperty("stageComputeSeconds");
        var wall = json.GetProperty("stageSeconds");
        Assert.Equal(["evaluate", "preprocess", "train"], compute.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.All(compute.EnumerateObject(), stage =>
            Assert.InRange(stage.Value.GetDouble(), double.Epsilon, wall.GetProperty(stage.Name).GetDouble() + 0.01));
        // With --json the Markdown summary goes to stderr; stdout holds only the object.
        Assert.Contains("## Evaluation", result.Stderr);
        Assert.Contains("| macro F1 |", result.Stderr);
        Assert.Contains("| expected calibration error |", result.Stderr);
        Assert.Contains("Worst classes (F1): `", result.Stderr);

        var reportDir = json.GetProperty("reportDir").GetString()!;
        Assert.True(Path.IsPathRooted(reportDir));
        foreach (var file in new[] { "metrics.json", "curves.png", "confusion.png", "f1.png", "reliability.png", "report.html" })
            Assert.True(new FileInfo(Path.Combine(reportDir, file)) is { Exists: true, Length: > 100 }, $"{file} missing in {reportDir}");

        var metricsJson = File.ReadAllText(Path.Combine(reportDir, "metrics.json"));
        DocumentSchemas.AssertValid(DocumentSchemas.Metrics, metricsJson);
        using var metrics = JsonDocument.Parse(metricsJson);
        var m = metrics.RootElement;
        Assert.Equal(accuracy, m.GetProperty("accuracy").GetDouble(), 6);
        var classes = m.GetProperty("classes").EnumerateArray().Select(c => c.GetString()!).ToList();
        Assert.Equal(10, classes.Count);
        Assert.Equal(classes.Order(StringComparer.Ordinal), classes);
        Assert.Contains("t-shirt_top", classes);
        var matrix = m.GetProperty("confusionMatrix").EnumerateArray().Select(row => row.EnumerateArray().Select(v => v.GetInt32()).ToArray()).ToArray();
        Assert.Equal(10, matrix.Length);
        var perClass = m.GetProperty("perClass").EnumerateArray().ToList();
        Assert.Equal(10, perClass.Count);
        foreach (var (row, entry) in matrix.Zip(perClass))
        {
            Assert.Equal(row.Sum(), entry.GetProperty("support").GetInt32());
            foreach (var field in new[] { "precision", "recall", "f1" })
                Assert.InRange(entry.GetProperty(field).GetDouble(), 0, 1);
        }
        var correct = matrix.Select((row, i) => row[i]).Sum();
        Assert.Equal(accuracy, (double)correct / matrix.Sum(r => r.Sum()), 6);

        // One trial, the best by definition; its report folder is the run's reportDir.
        Assert.Equal("t1", json.GetProperty("bestTrialId").GetString());
        var trial = Assert.Single(json.GetProperty("trials").EnumerateArray());
        Assert.Equal(("t1", "Completed", reportDir), (trial.GetProperty("trialId").GetString(), trial.GetProperty("state").GetString(), trial.GetProperty("reportDir").GetString()));

        var runDir = Path.GetFullPath(Path.Combine(reportDir, "..", "..", ".."));
        using var run = JsonDocument.Parse(File.ReadAllText(Path.Combine(runDir, "run.json")));
        var spec = run.RootElement.GetProperty("spec");
        Assert.Equal("mlnet-resnet18", spec.GetProperty("training").GetProperty("backbone").GetString());
        Assert.Equal("fashion-mnist", spec.GetProperty("dataset").GetString());
        Assert.False(string.IsNullOrEmpty(run.RootElement.GetProperty("datasetFingerprint").GetString()));
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(runDir, "report", "summary.json")));
        Assert.Equal("t1", summary.RootElement.GetProperty("bestTrialId").GetString());
        Assert.True(File.Exists(Path.Combine(runDir, "trials", "t1", "model.safetensors")));

        // Same data, same options: the second run reuses the prepared shards.
        var again = await PipelineCli.RunAsync(Timeout, "run", data.DataDir, "--backbone", "mlnet-resnet18", "--epochs", "1", "--store", store);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("dataset ready from cache", again.Stderr);
        Assert.Contains("report.html", again.Stderr);
        Assert.StartsWith("## Evaluation", again.Stdout);
        Assert.Contains("| accuracy | ", again.Stdout);
        Assert.Matches(@"Report: /\S+/trials/t1/report/report\.html\n$", again.Stdout);
    }

    [Theory]
    [InlineData("INT", 130)]
    [InlineData("TERM", 143)]
    public async Task A_signal_cancels_the_run_cleanly_with_its_exit_code(string signal, int exitCode)
    {
        using var process = PipelineCli.Start("run", data.DataDir, "--backbone", "mlnet-resnet18", "--epochs", "50", "--exact", "--store", data.NewStore(), "--json");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = new System.Text.StringBuilder();
        var trainingStarted = new TaskCompletionSource();
        process.ErrorDataReceived += (_, e) =>
        {
            lock (stderr)
                stderr.AppendLine(e.Data);
            if (e.Data?.StartsWith("epoch 1/", StringComparison.Ordinal) == true)
                trainingStarted.TrySetResult();
        };
        process.BeginErrorReadLine();

        await trainingStarted.Task.WaitAsync(Timeout);
        Process.Start("kill", [$"-{signal}", process.Id.ToString()]).WaitForExit();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));

        Assert.True(process.ExitCode == exitCode, $"exit code {process.ExitCode}\n{stderr}");
        using var json = JsonDocument.Parse(await stdout);
        Assert.Equal("Cancelled", json.RootElement.GetProperty("state").GetString());
    }

    [Fact]
    public async Task A_killed_run_resumes_from_its_last_checkpoint_and_completes()
    {
        var store = data.NewStore();
        // The exact path: epochs over cached features take milliseconds, too short to be killed in between.
        using var process = PipelineCli.Start("run", data.DataDir, "--backbone", "mlnet-resnet18", "--epochs", "3", "--batch-size", "8", "--exact", "--store", store);
        var started = new TaskCompletionSource<string>();
        var firstEpoch = new TaskCompletionSource();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line && Regex.Match(line, "^run ([0-9a-f]{32}):") is { Success: true } match)
                started.TrySetResult(match.Groups[1].Value);
            if (e.Data?.StartsWith("epoch 1/", StringComparison.Ordinal) == true)
                firstEpoch.TrySetResult();
        };
        process.BeginErrorReadLine();
        _ = process.StandardOutput.ReadToEndAsync();
        var runId = await started.Task.WaitAsync(Timeout);
        await firstEpoch.Task.WaitAsync(Timeout);
        process.Kill();
        await process.WaitForExitAsync();

        var resumed = await PipelineCli.RunAsync(Timeout, "run", "--resume", runId, "--store", store, "--json");

        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Equal("Completed", resumed.Json().GetProperty("state").GetString());
        Assert.Equal(Guid.Parse(runId), Guid.Parse(resumed.Json().GetProperty("runId").GetString()!));
        Assert.Contains($"run {runId} resumed (trial t1 from its last checkpoint)", resumed.Stderr);
        // The first epoch's checkpoint is where training continues: it is not trained again.
        Assert.DoesNotContain("epoch 1/3", resumed.Stderr);
        Assert.Contains("epoch 3/3", resumed.Stderr);

        var again = await PipelineCli.RunAsync(Timeout, "run", "--resume", runId, "--store", store, "--json");
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("is Completed: only an interrupted run", again.Json().GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_second_Ctrl_C_ends_the_process_at_once()
    {
        using var process = PipelineCli.Start("run", data.DataDir, "--backbone", "mlnet-resnet18", "--epochs", "50", "--exact", "--store", data.NewStore());
        var trainingStarted = new TaskCompletionSource();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data?.StartsWith("epoch 1/", StringComparison.Ordinal) == true)
                trainingStarted.TrySetResult();
        };
        process.BeginErrorReadLine();
        _ = process.StandardOutput.ReadToEndAsync();

        await trainingStarted.Task.WaitAsync(Timeout);
        Process.Start("kill", ["-INT", process.Id.ToString()]).WaitForExit();
        Process.Start("kill", ["-INT", process.Id.ToString()]).WaitForExit();

        // A clean cancel waits for the current batch; the second signal does not wait for anything.
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(130, process.ExitCode);
    }

    [Fact]
    public async Task A_store_inside_the_data_folder_is_skipped_and_named_not_taken_for_a_class()
    {
        var dataDir = Path.Combine(data.Root, "with-store-" + Guid.NewGuid().ToString("N"));
        foreach (var name in new[] { "trouser", "bag" })
            CopyClass(name, Path.Combine(dataDir, name));

        var result = await PipelineCli.RunAsync(Timeout, "run", dataDir, "--backbone", "mlnet-resnet18", "--epochs", "1", "--batch-size", "8",
            "--store", Path.Combine(dataDir, "my-store"), "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("not a class: 'my-store' (it is a pipeline store", result.Stderr);
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(result.Json().GetProperty("reportDir").GetString()!, "metrics.json")));
        Assert.Equal(["bag", "trouser"], metrics.RootElement.GetProperty("classes").EnumerateArray().Select(c => c.GetString()));
    }

    [Fact]
    public async Task A_store_that_cannot_be_created_is_a_clear_usage_error()
    {
        var blocker = Path.Combine(data.Root, "a-file-" + Guid.NewGuid().ToString("N"));
        await File.WriteAllTextAsync(blocker, "the store would have to be a folder inside this file");

        var result = await PipelineCli.RunAsync(Timeout, "run", data.DataDir, "--backbone", "mlnet-resnet18", "--store", Path.Combine(blocker, "store"), "--json");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("--store: cannot use", result.Json().GetProperty("error").GetString());
        Assert.DoesNotContain("   at ", result.Stderr);
    }

    [Theory]
    [InlineData("missing-folder", "mlnet-resnet18", "does not exist")]
    [InlineData("data", "vgg16", "--backbone: unknown backbone 'vgg16'. Known backbones: resnet18, resnet34, resnet50, resnet101, resnet152, mlnet-resnet18")]
    [InlineData("data", "resnet50", "--weights: backbone 'resnet50' needs weights")]
    public async Task Bad_options_fail_before_any_work_with_a_json_error(string folder, string backbone, string expected)
    {
        var dataDir = folder == "data" ? data.DataDir : Path.Combine(data.Root, folder);

        var result = await PipelineCli.RunAsync(Timeout, "run", dataDir, "--backbone", backbone, "--store", data.NewStore(), "--json");

        Assert.True(result.ExitCode == 2, result.ToString());
        var json = result.Json();
        Assert.Equal("Failed", json.GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("runId").ValueKind);
        Assert.Contains(expected, json.GetProperty("error").GetString());
        if (backbone == "resnet50")
            Assert.Contains("mlnet-resnet18", json.GetProperty("error").GetString());
    }

    [Theory]
    [InlineData("one-class", "needs at least two")]
    [InlineData("no-images", "could be read")]
    public async Task Unusable_datasets_fail_the_run_with_a_clear_error(string kind, string expected)
    {
        var dataDir = Path.Combine(data.Root, kind + Guid.NewGuid().ToString("N"));
        if (kind == "one-class")
            CopyClass("trouser", Path.Combine(dataDir, "trouser"));
        else
            foreach (var name in new[] { "cats", "dogs" })
            {
                Directory.CreateDirectory(Path.Combine(dataDir, name));
                for (var i = 0; i < 6; i++)
                    // Each file different: identical files under two classes would be refused as label conflicts before any decode.
                    File.WriteAllText(Path.Combine(dataDir, name, $"{i}.jpg"), $"not really a JPEG: {name} {i}");
            }

        var result = await PipelineCli.RunAsync(Timeout, "run", dataDir, "--backbone", "mlnet-resnet18", "--store", data.NewStore(), "--json");

        Assert.True(result.ExitCode == 1, result.ToString());
        var json = result.Json();
        Assert.Equal("Failed", json.GetProperty("state").GetString());
        Assert.NotEqual(JsonValueKind.Null, json.GetProperty("runId").ValueKind);
        Assert.Contains(expected, json.GetProperty("error").GetString(), StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("--mode", "7")]
    [InlineData("--epochs", "many")]
    [InlineData("--schedule", "linear")]
    [InlineData("--class-weights", "equal")]
    [InlineData("--device", "gpu")]
    [InlineData("--flip", "sometimes")]
    public async Task A_command_line_that_does_not_parse_is_a_usage_error_with_a_json_error(string option, string value)
    {
        var result = await PipelineCli.RunAsync(Timeout, "run", data.DataDir, option, value, "--store", data.NewStore(), "--json");

        Assert.True(result.ExitCode == 2, result.ToString());
        var json = result.Json();
        Assert.Equal("Failed", json.GetProperty("state").GetString());
        Assert.Contains(value, json.GetProperty("error").GetString());
        Assert.Contains("--help", result.Stderr);
    }

    [Theory]
    [InlineData("--label-smoothing", "1")]
    [InlineData("--patience", "0")]
    [InlineData("--rotation", "200")]
    [InlineData("--backbone-lr", "-1")]
    [InlineData("--weight-decay", "-0.1")]
    public async Task An_out_of_range_training_option_is_a_usage_error_that_names_the_option(string option, string value)
    {
        var result = await PipelineCli.RunAsync(Timeout, "run", data.DataDir, "--backbone", "mlnet-resnet18", option, value, "--store", data.NewStore(), "--json");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.StartsWith($"{option}: must be", result.Json().GetProperty("error").GetString());
    }

    [Fact]
    public async Task Help_explains_every_option()
    {
        var result = await PipelineCli.RunAsync(Timeout, "run", "--help");

        Assert.Equal(0, result.ExitCode);
        foreach (var option in new[] { "--backbone", "--weights", "--mode", "--epochs", "--batch-size", "--lr", "--seed", "--threads", "--split", "--sweep", "--store", "--resume", "--json",
                     "--backbone-lr", "--weight-decay", "--label-smoothing", "--patience", "--rotation", "--flip", "--schedule", "--class-weights", "--device", "partial" })
            Assert.Contains(option, result.Stdout);
    }

    [Theory]
    [InlineData("status", "--state")]
    [InlineData("watch", "ID")]
    [InlineData("cancel", "ID")]
    [InlineData("report", "--store")]
    public async Task Client_commands_explain_their_options(string command, string own)
    {
        var result = await PipelineCli.RunAsync(Timeout, command, "--help");

        Assert.Equal(0, result.ExitCode);
        foreach (var option in new[] { "--server", "PIPELINE_SERVER", "PIPELINE_API_KEY", "--json", own })
            Assert.Contains(option, result.Stdout);
    }

    private void CopyClass(string name, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(Path.Combine(data.DataDir, name)))
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
    }
}
