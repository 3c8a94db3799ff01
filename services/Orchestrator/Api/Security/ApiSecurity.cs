using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;

namespace Pipeline.Orchestrator.Api.Security;

/// <summary>
/// Every endpoint needs a key of at least the read role unless it says otherwise (the health checks need none); an
/// endpoint that changes something asks for <see cref="ApiRoles.Submit"/> or <see cref="ApiRoles.Admin"/>.
/// </summary>
public static class ApiSecurity
{
    public static IHostApplicationBuilder AddApiSecurity(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<ApiOptions>(builder.Configuration.GetSection(ApiOptions.Section));
        builder.Services.AddSingleton<ApiKeyRing>();
        builder.Services.AddAuthentication(ApiKeyAuthentication.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthentication>(ApiKeyAuthentication.SchemeName, configureOptions: null);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(ApiRoles.Read, policy => policy.RequireRole(ApiRoles.AtLeast(ApiRoles.Read)))
            .AddPolicy(ApiRoles.Submit, policy => policy.RequireRole(ApiRoles.AtLeast(ApiRoles.Submit)))
            .AddPolicy(ApiRoles.Admin, policy => policy.RequireRole(ApiRoles.AtLeast(ApiRoles.Admin)))
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireRole(ApiRoles.AtLeast(ApiRoles.Read)).Build());
        return builder;
    }

}
