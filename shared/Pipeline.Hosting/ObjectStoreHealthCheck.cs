using Microsoft.Extensions.Diagnostics.HealthChecks;
using Pipeline.Storage;

namespace Pipeline.Hosting;

/// <summary>Ready means the object store answers: one existence check of a key nobody writes.</summary>
public sealed class ObjectStoreHealthCheck(IObjectStore store) : IHealthCheck
{
    private const string ProbeKey = "health/probe";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await store.ExistsAsync(ProbeKey, cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"The object store does not answer: {e.Message}", e);
        }
    }
}
