using System.Net;

namespace OrleansTokens.Hosting;

/// <summary>
/// Cluster settings shared by silos and clients, bound from the <c>OrleansTokens:Cluster</c> configuration section.
/// </summary>
/// <remarks>
/// It is not the <c>Orleans</c> section, because Orleans reads that one for its own provider settings.
/// </remarks>
public sealed class OrleansTokensHostingOptions
{
    /// <summary>Configuration section that binds to this class.</summary>
    public const string SectionName = "OrleansTokens:Cluster";

    /// <summary>Orleans cluster id; silos and clients of one cluster share it. Default: <c>orleans-tokens</c>.</summary>
    public string ClusterId { get; set; } = "orleans-tokens";

    /// <summary>Orleans service id; it keys the stored grain state. Default: <c>orleans-tokens</c>.</summary>
    public string ServiceId { get; set; } = "orleans-tokens";

    /// <summary>How silos find each other and clients find gateways.</summary>
    public ClusteringSettings Clustering { get; set; } = new();

    /// <summary>Where grain state is stored.</summary>
    public StorageSettings Storage { get; set; } = new();

    /// <summary>Ports and address of this silo.</summary>
    public EndpointSettings Endpoints { get; set; } = new();
}

/// <summary>Clustering provider selection.</summary>
public sealed class ClusteringSettings
{
    /// <summary>
    /// <c>Localhost</c>: one silo, or clients of a silo, on this machine. Default: <c>Localhost</c>.
    /// </summary>
    public string Provider { get; set; } = ClusteringProviders.Localhost;
}

/// <summary>Names accepted by <see cref="ClusteringSettings.Provider"/>.</summary>
public static class ClusteringProviders
{
    public const string Localhost = "Localhost";
}

/// <summary>Grain storage provider selection.</summary>
public sealed class StorageSettings
{
    /// <summary><c>Sqlite</c>: an embedded database file. Default: <c>Sqlite</c>.</summary>
    public string Provider { get; set; } = StorageProviders.Sqlite;

    /// <summary>
    /// Path of the SQLite file; a relative path is resolved against the host's content root.
    /// Default: <c>data/orleanstokens.db</c>.
    /// </summary>
    public string SqlitePath { get; set; } = "data/orleanstokens.db";
}

/// <summary>Names accepted by <see cref="StorageSettings.Provider"/>.</summary>
public static class StorageProviders
{
    public const string Sqlite = "Sqlite";
}

/// <summary>Network endpoints of a silo, and the gateway that a localhost client connects to.</summary>
public sealed class EndpointSettings
{
    /// <summary>Port for silo-to-silo traffic. Default: 11111.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Port that clients connect to. Default: 30000.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>
    /// Address that other silos and clients use to reach this silo. Default: the loopback address
    /// with localhost clustering.
    /// </summary>
    public string? AdvertisedIPAddress { get; set; }

    internal IPAddress? ParseAdvertisedAddress() =>
        string.IsNullOrWhiteSpace(AdvertisedIPAddress)
            ? null
            : IPAddress.TryParse(AdvertisedIPAddress, out var address)
                ? address
                : throw new InvalidOperationException(
                    $"OrleansTokens:Cluster:Endpoints:AdvertisedIPAddress '{AdvertisedIPAddress}' is not an IP address. "
                    + "Set it to the address other silos reach this one at, such as 10.0.0.5.");
}
