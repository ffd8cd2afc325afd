using Microsoft.Extensions.Hosting;

namespace OrleansTokens.AspNetCore;

/// <summary>
/// Tells whether the host has finished starting, which for an Orleans client means it has connected to the
/// cluster once. Before that, the client cannot even resolve grain types, so every grain call fails.
/// </summary>
public sealed class ClusterReadiness
{
    private volatile bool _isReady;

    public ClusterReadiness(IHostApplicationLifetime lifetime) =>
        lifetime.ApplicationStarted.Register(() => _isReady = true);

    /// <summary>Whether every hosted service, the Orleans client or silo among them, has started.</summary>
    public bool IsReady => _isReady;
}
