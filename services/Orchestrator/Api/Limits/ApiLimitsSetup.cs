using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;

namespace Pipeline.Orchestrator.Api.Limits;

/// <summary>Request-size and rate limits for the API: a body over the limit is 413, a caller over its rate 429 with Retry-After, both problem+json.</summary>
public static class ApiLimitsSetup
{
    public static IHostApplicationBuilder AddApiLimits(this IHostApplicationBuilder builder)
    {
        // ApiLimits itself is bound by the orchestrator stage, whose coordinator judges every submission by it.
        var rate = builder.Configuration.GetSection(ApiRateLimit.Section).Get<ApiRateLimit>() ?? new ApiRateLimit();
        if (rate.PermitsPerMinute < 1 || rate.Burst < 1)
            throw new PipelineException($"{ApiRateLimit.Section}: PermitsPerMinute and Burst must be at least 1 (got {rate.PermitsPerMinute} and {rate.Burst}).");
        builder.Services.AddRateLimiter(options =>
        {
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                context.Request.Path.StartsWithSegments("/health")
                    ? RateLimitPartition.GetNoLimiter("health")
                    : RateLimitPartition.GetTokenBucketLimiter(CallerOf(context), _ => new TokenBucketRateLimiterOptions
                    {
                        TokenLimit = rate.Burst,
                        TokensPerPeriod = 1,
                        ReplenishmentPeriod = TimeSpan.FromMinutes(1) / rate.PermitsPerMinute,
                        QueueLimit = 0,
                        AutoReplenishment = true,
                    }));
            options.OnRejected = (context, cancellationToken) =>
            {
                var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1) / rate.PermitsPerMinute;
                var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
                context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                return Problem(context.HttpContext, StatusCodes.Status429TooManyRequests, "Too many requests",
                    $"A caller may make {rate.PermitsPerMinute} requests a minute, {rate.Burst} at once; try again in {seconds} s.");
            };
        });
        return builder;
    }

    /// <summary>Limits the bodies of endpoints that set no limit of their own, and then every caller's rate. Runs after authentication: the rate is per key.</summary>
    public static WebApplication UseApiLimits(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            if (context.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>() is null)
            {
                var max = context.RequestServices.GetRequiredService<IOptions<ApiLimits>>().Value.MaxJsonBodyBytes;
                if (context.Request.ContentLength > max)
                {
                    await Problem(context, StatusCodes.Status413PayloadTooLarge, "Request body too large", $"This endpoint takes at most {max} bytes.");
                    return;
                }
                // A body without a length (chunked) is cut off by the server at the same size.
                if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
                    feature.MaxRequestBodySize = max;
            }
            await next(context);
        });
        app.UseRateLimiter();
        return app;
    }

    private static string CallerOf(HttpContext context) =>
        context.User.FindFirstValue(ClaimTypes.NameIdentifier) is { } caller ? $"key:{caller}" : $"address:{context.Connection.RemoteIpAddress}";

    private static async ValueTask Problem(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }
}
