using System.Net;
using System.Net.Http.Json;
using Pipeline.Orchestrator.Api.Dashboard;
using Pipeline.Orchestrator.Api.Security;

namespace Pipeline.Tests.Orchestration;

/// <summary>The dashboard's files and its sign-in: a key posted once becomes a cookie that stands for the key, role included.</summary>
public sealed class DashboardApiTests : IDisposable
{
    private readonly OrchestratorApi _api = new();

    public void Dispose() => _api.Dispose();

    [Fact]
    public async Task The_page_and_its_files_need_no_key_and_forbid_scripts_from_elsewhere()
    {
        using var anonymous = _api.ClientWith(null);

        using var page = await anonymous.GetAsync("/dashboard/");
        using var script = await anonymous.GetAsync("/dashboard/files/dashboard.js");
        using var style = await anonymous.GetAsync("/dashboard/files/dashboard.css");
        using var missing = await anonymous.GetAsync("/dashboard/files/secrets.txt");

        Assert.Equal((HttpStatusCode.OK, "text/html"), (page.StatusCode, page.Content.Headers.ContentType!.MediaType));
        Assert.Contains("/dashboard/files/dashboard.js", await page.Content.ReadAsStringAsync());
        Assert.Contains("script-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal((HttpStatusCode.OK, "text/javascript"), (script.StatusCode, script.Content.Headers.ContentType!.MediaType));
        Assert.Contains("new EventSource", await script.Content.ReadAsStringAsync());
        Assert.Equal((HttpStatusCode.OK, "text/css"), (style.StatusCode, style.Content.Headers.ContentType!.MediaType));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task A_key_signs_in_as_an_HttpOnly_strict_cookie_with_the_key_s_role_until_sign_out()
    {
        // The client keeps cookies, as a browser does, and sends no Authorization header.
        using var browser = _api.ClientWith(null);
        var before = await browser.GetFromJsonAsync<DashboardSession>("/dashboard/session");

        using var signIn = await browser.PostAsJsonAsync("/dashboard/sign-in", new { key = OrchestratorApi.Keys[ApiRoles.Read] });
        using var runs = await browser.GetAsync("/runs");
        using var submit = await browser.PostAsJsonAsync("/runs", new { dataset = "pets" });
        var during = await browser.GetFromJsonAsync<DashboardSession>("/dashboard/session");
        using var signOut = await browser.PostAsync("/dashboard/sign-out", null);
        using var afterSignOut = await browser.GetAsync("/runs");

        Assert.Null(before!.Role);
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        var cookie = signIn.Headers.GetValues("Set-Cookie").Single();
        Assert.StartsWith($"{ApiKeyAuthentication.CookieName}=", cookie);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.OK, runs.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, submit.StatusCode);
        Assert.Equal((ApiRoles.Read, "http://127.0.0.1:18888/traces/detail/{traceId}"), (during!.Role, during.TraceViewerUrl));
        Assert.Equal(HttpStatusCode.NoContent, signOut.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, afterSignOut.StatusCode);
    }

    [Fact]
    public async Task A_key_the_server_does_not_hold_gets_no_cookie()
    {
        using var browser = _api.ClientWith(null);

        using var signIn = await browser.PostAsJsonAsync("/dashboard/sign-in", new { key = "not-a-key-of-this-server" });
        using var runs = await browser.GetAsync("/runs");

        Assert.Equal(HttpStatusCode.Unauthorized, signIn.StatusCode);
        Assert.False(signIn.Headers.Contains("Set-Cookie"));
        Assert.Equal(HttpStatusCode.Unauthorized, runs.StatusCode);
    }
}
