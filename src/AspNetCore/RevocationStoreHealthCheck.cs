using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace OrleansTokens.AspNetCore;

/// <summary>
/// Readiness check: healthy when the Orleans cluster that stores the allowlists replies within two seconds.
/// </summary>
public sealed class RevocationStoreHealthCheck(IGrainFactory grainFactory, ClusterReadiness readiness) : IHealthCheck
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    public async Task<HealthCheckResult> CheckHealthAsync(
        HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!readiness.IsReady)
        {
            return HealthCheckResult.Unhealthy("The host has not connected to the Orleans cluster yet.");
        }

        try
        {
            var hosts = await grainFactory.GetGrain<IManagementGrain>(0)
                .GetHosts(onlyActive: true)
                .WaitAsync(Timeout, cancellationToken);
            return HealthCheckResult.Healthy($"{hosts.Count} active silos.");
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("The Orleans cluster did not answer.", exception);
        }
    }
}
