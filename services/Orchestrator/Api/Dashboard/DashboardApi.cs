using System.Security.Claims;
using Microsoft.Extensions.Options;
using Pipeline.Orchestrator.Api.Security;

namespace Pipeline.Orchestrator.Api.Dashboard;

/// <summary>
/// The dashboard: a page and its script and style, embedded in this assembly (no CDN, no build step), and the sign-in
/// that gives a browser its key as a cookie. The files need no key, so that the sign-in form shows; everything they
/// fetch does.
/// </summary>
public static class DashboardApi
{
    public const string Path = "/dashboard";
    private const string ResourcePrefix = "dashboard/";

    // The page loads only its own files and talks only to this server; nothing may frame it.
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    public static IHostApplicationBuilder AddDashboard(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<DashboardOptions>(builder.Configuration.GetSection(DashboardOptions.Section));
        return builder;
    }

    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder app)
    {
        var dashboard = app.MapGroup(Path);
        dashboard.MapGet("/", (HttpContext context) => File("index.html", context)).AllowAnonymous();
        dashboard.MapGet("/files/{name}", File).AllowAnonymous();
        dashboard.MapPost("/sign-in", SignIn).AllowAnonymous();
        dashboard.MapPost("/sign-out", SignOut).AllowAnonymous();
        dashboard.MapGet("/session", Session).AllowAnonymous();
        return app;
    }

    private static IResult File(string name, HttpContext context)
    {
        if (typeof(DashboardApi).Assembly.GetManifestResourceStream(ResourcePrefix + name) is not { } content)
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"The dashboard has no file '{name}'.");
        context.Response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        context.Response.Headers.XContentTypeOptions = "nosniff";
        return TypedResults.Stream(content, ContentTypes.Of(name));
    }

    /// <summary>Checks the key as a bearer key would be checked, and gives it back as a cookie no script can read and no other site can send.</summary>
    private static IResult SignIn(SignInRequest request, HttpContext context, ApiKeyRing keys, IOptions<DashboardOptions> options)
    {
        if (keys.RoleOf(request.Key) is not { } role)
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Key not valid",
                detail: "This server has no such API key: use a key from its key file (`pipeline cluster up` prints where it is).");
        context.Response.Cookies.Append(ApiKeyAuthentication.CookieName, request.Key, CookieOptions(context, options.Value.SignInLifetime));
        return TypedResults.Ok(new DashboardSession(role, options.Value.TraceViewerUrl));
    }

    private static IResult SignOut(HttpContext context)
    {
        context.Response.Cookies.Delete(ApiKeyAuthentication.CookieName, CookieOptions(context, TimeSpan.Zero));
        return TypedResults.NoContent();
    }

    /// <summary>Whether the browser is signed in, and with which role; asked without a key, so that a page that is not signed in logs no error.</summary>
    private static IResult Session(ClaimsPrincipal caller, IOptions<DashboardOptions> options) =>
        caller.FindFirstValue(ClaimTypes.Role) is { } role
            ? TypedResults.Ok(new DashboardSession(role, options.Value.TraceViewerUrl))
            : TypedResults.Ok(new DashboardSession(null, null));

    private static CookieOptions CookieOptions(HttpContext context, TimeSpan lifetime) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = context.Request.IsHttps,
        Path = "/",
        MaxAge = lifetime,
    };
}
