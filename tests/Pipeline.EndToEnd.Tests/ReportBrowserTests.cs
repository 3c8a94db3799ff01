using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;

namespace Pipeline.EndToEnd.Tests;

/// <summary>The report of a real run, opened in Debian's headless chromium as a reader would open it.</summary>
[Collection(EndToEndCollection.Name)]
[Trait("Category", "Browser")]
public sealed class ReportBrowserTests(FashionMnistFixture data)
{
    // Debian's package; a browser is never downloaded (PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD, no `playwright install`).
    private const string Chromium = "/usr/bin/chromium";

    [Fact]
    public async Task The_report_shows_its_accuracy_loads_every_image_and_logs_no_console_error()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: install Debian's chromium (bash infra/scripts/install-deps.sh --test).");
        var run = await data.TrainedRunAsync();
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(run.ReportDir, "metrics.json")));
        var accuracy = (metrics.RootElement.GetProperty("accuracy").GetDouble() * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %";
        var html = File.ReadAllText(Path.Combine(run.ReportDir, "report.html"));

        using var playwright = await Playwright.CreateAsync();
        // Root (CI containers) cannot use chromium's sandbox.
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox"] });
        var page = await browser.NewPageAsync();
        var problems = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
                problems.Add($"console: {message.Text}");
        };
        page.PageError += (_, error) => problems.Add($"page error: {error}");
        page.RequestFailed += (_, request) => problems.Add($"request failed: {request.Url}");
        await page.GotoAsync(new Uri(Path.Combine(run.ReportDir, "report.html")).AbsoluteUri, new() { WaitUntil = WaitUntilState.Load });

        Assert.Contains($"{accuracy} test accuracy", await page.Locator(".headline").InnerTextAsync());
        var images = (await page.EvaluateAsync<JsonElement>(
            "() => Array.from(document.images).map(image => ({ alt: image.alt, loaded: image.complete && image.naturalWidth > 0 }))")).EnumerateArray().ToList();
        Assert.Equal(html.Split("<img ").Length - 1, images.Count);
        Assert.True(images.Count >= 4, $"{images.Count} images: expected at least the four plots");
        Assert.All(images, image => Assert.True(image.GetProperty("loaded").GetBoolean(), $"image '{image.GetProperty("alt").GetString()}' did not load"));
        Assert.Empty(problems);
    }
}
