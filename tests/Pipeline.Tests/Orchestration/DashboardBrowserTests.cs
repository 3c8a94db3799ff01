using System.Net.Http.Json;
using Microsoft.Playwright;
using Pipeline.Contracts;
using Pipeline.Orchestrator.Api;
using Pipeline.Orchestrator.Api.Security;
using static Microsoft.Playwright.Assertions;

namespace Pipeline.Tests.Orchestration;

/// <summary>The dashboard in Debian's headless chromium, following a run on the orchestrator's real port as its stages report.</summary>
[Trait("Category", "Browser")]
public sealed class DashboardBrowserTests : IDisposable
{
    // Debian's package; a browser is never downloaded (PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD, no `playwright install`).
    private const string Chromium = "/usr/bin/chromium";
    private readonly OrchestratorApi _api = new(RunEventStreamTests.FastStreams(), kestrel: true);

    public void Dispose() => _api.Dispose();

    [Fact]
    public async Task A_signed_in_browser_lists_the_run_and_its_curves_grow_as_epochs_arrive_without_console_errors()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: install Debian's chromium (bash infra/scripts/install-deps.sh --test).");
        var stages = new StagePlayer(_api);
        var runId = await stages.SubmitAsync(epochs: 3);
        using var playwright = await Playwright.CreateAsync();
        // Root (CI containers) cannot use chromium's sandbox.
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox"] });
        var page = await browser.NewPageAsync(new() { BaseURL = _api.Address.ToString() });
        var problems = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
                problems.Add($"console: {message.Text}");
        };
        page.PageError += (_, error) => problems.Add($"page error: {error}");
        page.RequestFailed += (_, request) =>
        {
            // The page closes its event stream on `completed`, which may abort the response's last bytes: not a failure.
            if (!(request.Url.EndsWith("/events", StringComparison.Ordinal) && request.Failure == "net::ERR_ABORTED"))
                problems.Add($"request failed: {request.Url} ({request.Failure})");
        };

        await page.GotoAsync("/dashboard/");
        await page.FillAsync("#key", OrchestratorApi.Keys[ApiRoles.Read]);
        await page.ClickAsync("#sign-in-form button");
        var row = page.Locator($"tr[data-run-id='{runId}']");
        await Expect(row).ToContainTextAsync("Preprocessing");
        await row.Locator("a").ClickAsync();
        await Expect(page.Locator("#run-state")).ToHaveTextAsync("Preprocessing");

        await stages.PrepareAsync(runId);
        var points = page.Locator("#loss-chart circle.point.validation");
        for (var epoch = 1; epoch <= 3; epoch++)
        {
            await stages.EpochAsync(runId, epoch, 3);
            await Expect(points).ToHaveCountAsync(epoch);
            await Expect(page.Locator("#accuracy-chart circle.point.train")).ToHaveCountAsync(epoch);
        }
        await stages.FinishAsync(runId);

        await Expect(page.Locator("#run-state")).ToHaveTextAsync("Completed");
        var confusion = await page.Locator("#confusion td").AllInnerTextsAsync();
        Assert.Equal(StagePlayer.Metrics.ConfusionMatrix.SelectMany(row => row).Select(count => count.ToString(System.Globalization.CultureInfo.InvariantCulture)), confusion);
        await Expect(page.Locator("#trials-body a")).ToHaveAttributeAsync("href", $"/runs/{runId}/artifacts/trials/t1/report/report.html");
        var run = (await _api.Client.GetFromJsonAsync<RunView>($"/runs/{runId}", PipelineJson.Options))!;
        var trace = page.Locator("#run-links a", new() { HasText = "trace" });
        if (run.TraceId is { } traceId)
            await Expect(trace).ToHaveAttributeAsync("href", $"http://127.0.0.1:18888/traces/detail/{traceId}");
        else
            await Expect(trace).ToHaveCountAsync(0);
        await page.ScreenshotAsync(new() { Path = Path.Combine(AppContext.BaseDirectory, "screenshots", "dashboard-run.png"), FullPage = true });
        Assert.Empty(problems);
    }
}
