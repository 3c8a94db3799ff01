using System.Text.Json;
using Pipeline.Testing;

namespace Pipeline.EndToEnd.Tests;

[Collection(EndToEndCollection.Name)]
public sealed class SweepCommandTests(FashionMnistFixture data)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(15);

    [Fact]
    public async Task A_sweep_trains_each_trial_and_the_run_report_compares_them()
    {
        var store = data.NewStore();
        var result = await PipelineCli.RunAsync(Timeout, "run", data.DataDir, "--backbone", "mlnet-resnet18", "--epochs", "2", "--batch-size", "8",
            "--sweep", "training.learningRate=1e-3,1e-6", "--store", store, "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var json = result.Json();
        var trials = json.GetProperty("trials").EnumerateArray().ToList();
        Assert.Equal(["t1", "t2"], trials.Select(t => t.GetProperty("trialId").GetString()));
        Assert.All(trials, t => Assert.Equal("Completed", t.GetProperty("state").GetString()));
        var best = trials.MaxBy(t => t.GetProperty("testAccuracy").GetDouble());
        Assert.Equal(best.GetProperty("trialId").GetString(), json.GetProperty("bestTrialId").GetString());
        Assert.Contains("t2 epoch 2/2", result.Stderr);

        var runDir = Path.Combine(store, "objects", "runs", json.GetProperty("runId").GetGuid().ToString("N"));
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(runDir, "report", "summary.json")));
        var compared = summary.RootElement.GetProperty("trials").EnumerateArray().ToList();
        Assert.Equal([1e-3, 1e-6], compared.Select(t => t.GetProperty("training").GetProperty("learningRate").GetDouble()));
        Assert.All(compared, t =>
        {
            Assert.Equal(2, t.GetProperty("validationAccuracies").GetArrayLength());
            Assert.InRange(t.GetProperty("macroF1").GetDouble(), 0, 1);
        });
        var html = File.ReadAllText(Path.Combine(runDir, "report", "report.html"));
        Assert.Equal(2, html.Split("<polyline").Length - 1);
    }
}
