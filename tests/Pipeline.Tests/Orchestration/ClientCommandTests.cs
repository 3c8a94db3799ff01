using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Pipeline.Contracts;
using Pipeline.Orchestrator.Api;
using Pipeline.Orchestrator.Api.Security;

namespace Pipeline.Tests.Orchestration;

/// <summary>The CLI's client commands (the real <c>./pipeline</c>) against the orchestrator's API on a real port.</summary>
public sealed class ClientCommandTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);
    private static readonly IReadOnlyDictionary<string, string?> NoKey = new Dictionary<string, string?> { ["PIPELINE_API_KEY"] = null, ["PIPELINE_API_KEY_FILE"] = null };

    private readonly OrchestratorApi _api = new(kestrel: true);
    private readonly TempDirectory _local = new();

    public void Dispose()
    {
        _api.Dispose();
        _local.Dispose();
    }

    [Fact]
    public async Task Status_watch_report_and_cancel_follow_runs_with_exit_codes_by_outcome()
    {
        var completed = await SubmitAsync();
        var cancelled = await SubmitAsync();
        await CompleteAsync(completed);

        var list = await Cli(OrchestratorApi.Keys[ApiRoles.Read], "status", "--json");
        var status = await Cli(OrchestratorApi.Keys[ApiRoles.Read], "status", completed.ToString("N"), "--json");
        var watch = await Cli(OrchestratorApi.Keys[ApiRoles.Read], "watch", completed.ToString("N"), "--json");
        var report = await Cli(OrchestratorApi.Keys[ApiRoles.Read], "report", completed.ToString("N"), "--store", _local.Path, "--json");
        var cancel = await Cli(OrchestratorApi.Keys[ApiRoles.Submit], "cancel", cancelled.ToString("N"), "--json");
        var cancelAgain = await Cli(OrchestratorApi.Keys[ApiRoles.Submit], "cancel", cancelled.ToString("N"), "--json");
        var watchCancelled = await Cli(OrchestratorApi.Keys[ApiRoles.Read], "watch", cancelled.ToString("N"));

        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Equal([cancelled, completed], list.Json().GetProperty("runs").EnumerateArray().Select(run => run.GetProperty("runId").GetGuid()));
        Assert.Equal((0, "Completed"), (status.ExitCode, status.Json().GetProperty("state").GetString()));
        Assert.Equal((0, "Completed", "t1"), (watch.ExitCode, watch.Json().GetProperty("state").GetString(), watch.Json().GetProperty("bestTrialId").GetString()));
        Assert.Contains("epoch 1/2", watch.Stderr);
        Assert.True(report.ExitCode == 0, report.ToString());
        var reportDir = report.Json().GetProperty("reportDir").GetString()!;
        Assert.Equal(Path.Combine(_local.Path, "reports", completed.ToString("N")), reportDir);
        Assert.Equal("<html>t1</html>", File.ReadAllText(Path.Combine(reportDir, "trials", "t1", "report", "report.html")));
        Assert.True(File.Exists(Path.Combine(reportDir, "report", "summary.json")));
        Assert.Equal((0, "Cancelled"), (cancel.ExitCode, cancel.Json().GetProperty("state").GetString()));
        Assert.Equal(2, cancelAgain.ExitCode);
        Assert.Contains("only a live run can be cancelled", cancelAgain.Json().GetProperty("error").GetString());
        Assert.Equal(130, watchCancelled.ExitCode);
    }

    [Fact]
    public async Task A_refused_key_an_unknown_run_and_an_unreachable_server_are_usage_errors_with_one_json_object()
    {
        var noKey = await Cli(null, "status", "--json");
        var readOnly = await Cli(OrchestratorApi.Keys[ApiRoles.Read], "cancel", Guid.NewGuid().ToString("N"), "--json");
        var unknown = await Cli(OrchestratorApi.Keys[ApiRoles.Read], "status", Guid.NewGuid().ToString("N"), "--json");
        var unreachable = await PipelineCli.RunAsync(Timeout, NoKey, "status", "--server", "http://127.0.0.1:9", "--json");
        var parseError = await PipelineCli.RunAsync(Timeout, NoKey, "watch", "--json");

        foreach (var result in new[] { noKey, readOnly, unknown, unreachable, parseError })
        {
            Assert.True(result.ExitCode == 2, result.ToString());
            Assert.False(string.IsNullOrEmpty(result.Json().GetProperty("error").GetString()), result.ToString());
        }
        Assert.Contains("PIPELINE_API_KEY", noKey.Json().GetProperty("error").GetString());
        Assert.Contains("cannot reach the server", unreachable.Json().GetProperty("error").GetString());
    }

    private Task<CliResult> Cli(string? key, params string[] args) =>
        PipelineCli.RunAsync(Timeout, new Dictionary<string, string?>(NoKey) { ["PIPELINE_API_KEY"] = key, ["PIPELINE_SERVER"] = _api.Address.ToString() }, args);

    private async Task<Guid> SubmitAsync()
    {
        var response = await _api.Client.PostAsync("/runs", new StringContent("""{ "dataset": "flowers", "training": { "backbone": "mlnet-resnet18", "epochs": 2 } }""",
            Encoding.UTF8, "application/json"));
        return (await response.Content.ReadFromJsonAsync<RunView>(PipelineJson.Options))!.RunId;
    }

    /// <summary>Plays the stages' part of a run of one trial and two epochs, stopping after the first.</summary>
    private async Task CompleteAsync(Guid runId)
    {
        var stages = new StagePlayer(_api);
        await stages.PrepareAsync(runId);
        await stages.EpochAsync(runId, 1, 2);
        await stages.FinishAsync(runId);
        await WaitForAsync(runId, RunState.Completed);
    }

    private async Task WaitForAsync(Guid runId, RunState state)
    {
        for (var attempt = 0; _api.Service<Orchestrator.Runs.RunStore>().Find(runId)?.State != state; attempt++)
        {
            Assert.True(attempt < 200, $"run {runId} never reached {state}");
            await Task.Delay(50);
        }
    }
}
