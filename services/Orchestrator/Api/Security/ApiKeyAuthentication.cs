using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Pipeline.Orchestrator.Api.Security;

/// <summary>
/// Authenticates <c>Authorization: Bearer KEY</c>, or else the key a browser holds in the <see cref="CookieName"/> cookie
/// (the dashboard's EventSource cannot send headers), against the <see cref="ApiKeyRing"/>; the key's role becomes a role claim.
/// </summary>
public sealed class ApiKeyAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyRing keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string CookieName = "pipeline-key";
    private const string BearerPrefix = "Bearer ";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        var key = header is not null && header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase)
            ? header[BearerPrefix.Length..].Trim()
            : Request.Cookies[CookieName];
        if (key is null)
            return Task.FromResult(AuthenticateResult.NoResult());
        if (keys.RoleOf(key) is not { } role)
            return Task.FromResult(AuthenticateResult.Fail("The API key is not valid."));
        // Who is calling, without the secret: what per-caller state (idempotency keys, rate limits) is keyed by.
        var caller = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..16];
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Role, role), new Claim(ClaimTypes.NameIdentifier, caller)], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers[HeaderNames.WWWAuthenticate] = "Bearer";
        return base.HandleChallengeAsync(properties);
    }
}
