using System.Text.Json;
using Pipeline.Testing;

namespace Pipeline.EndToEnd.Tests;

/// <summary>`bench step` at the smallest settings: the command's contract (one JSON object, consistent figures, usage errors), not its speed.</summary>
public sealed class BenchStepCommandTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task Bench_step_json_reports_every_round_of_both_sides_and_figures_derived_from_them()
    {
        var result = await PipelineCli.RunAsync(Timeout, "bench", "step", "--backbone", "resnet18", "--mode", "finetune", "--size", "32",
            "--batch-size", "2", "--steps", "1", "--warmup", "0", "--rounds", "2", "--threads", "1", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var json = result.Json();
        Assert.Equal((JsonValueKind.Null, "finetune", 2, 32, 1), (json.GetProperty("error").ValueKind, json.GetProperty("mode").GetString(),
            json.GetProperty("batchSize").GetInt32(), json.GetProperty("imageSize").GetInt32(), json.GetProperty("threads").GetInt32()));
        Assert.Contains("torch", json.GetProperty("peer").GetString());
        var milliseconds = new Dictionary<string, double>();
        foreach (var side in new[] { "ours", "peer" })
        {
            var rounds = json.GetProperty($"{side}RoundMs").EnumerateArray().Select(ms => ms.GetDouble()).ToList();
            Assert.Equal(2, rounds.Count);
            Assert.All(rounds, ms => Assert.True(ms > 0, result.ToString()));
            milliseconds[side] = json.GetProperty($"{side}MsPerStep").GetDouble();
            Assert.Equal(rounds.Average(), milliseconds[side], 1e-9);
            Assert.Equal((rounds.Max() - rounds.Min()) / milliseconds[side], json.GetProperty($"{side}Spread").GetDouble(), 1e-9);
            Assert.Equal(2 * 1000 / milliseconds[side], json.GetProperty($"{side}ImagesPerSecond").GetDouble(), 1e-9);
            var phases = json.GetProperty($"{side}PhasesMs");
            foreach (var phase in new[] { "forward", "backward", "optimizer", "release" })
                Assert.True(phases.GetProperty(phase).GetDouble() >= 0, result.ToString());
            Assert.True(phases.GetProperty("backward").GetDouble() > 0, result.ToString());
        }
        Assert.Equal(milliseconds["peer"] / milliseconds["ours"], json.GetProperty("ratio").GetDouble(), 1e-9);
    }

    [Theory]
    [InlineData("--mode partial", "--mode: bench step times transfer or finetune")]
    [InlineData("--steps 0", "--steps: must be at least 1 (got 0)")]
    [InlineData("--batch-size 0", "--batch-size: must be at least 1 (got 0)")]
    [InlineData("--size 8", "--size: must be between 32 and 1024 (got 8)")]
    public async Task Bench_step_rejects_bad_options_with_exit_code_2_and_one_json_object_before_any_work(string options, string error)
    {
        var result = await PipelineCli.RunAsync(Timeout, ["bench", "step", .. options.Split(' '), "--json"]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(error, result.Json().GetProperty("error").GetString());
        Assert.DoesNotContain("Round 1", result.Stderr);
    }
}
