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

    /// <summary>Name of the connection string (<c>ConnectionStrings:OrleansTokens</c>) used by PostgreSQL.</summary>
    public const string ConnectionStringName = "OrleansTokens";

    /// <summary>Orleans cluster id; silos and clients of one cluster share it. Default: <c>orleans-tokens</c>.</summary>
    public string ClusterId { get; set; } = "orleans-tokens";

    /// <summary>Orleans service id; it keys the stored grain state. Default: <c>orleans-tokens</c>.</summary>
    public string ServiceId { get; set; } = "orleans-tokens";

    /// <summary>
    /// Whether a silo applies the PostgreSQL schema when it starts, when it uses PostgreSQL at all.
    /// Default: true. The schema step is idempotent and safe when several silos start together.
    /// </summary>
    public bool ApplySchemaOnStart { get; set; } = true;

    /// <summary>
    /// Maximum wait for a grain call's response, on silos and clients, before the call fails with
    /// <see cref="TimeoutException"/>. Default: 10 seconds, a third of the Orleans default, so that a request
    /// to a silo that died fails (as a 503) while the HTTP client is still waiting.
    /// </summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(10);

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
    /// <c>Localhost</c>: one silo, or clients of a silo, on this machine. <c>AdoNet</c>: membership in
    /// PostgreSQL, for several silos and external clients. Default: <c>Localhost</c>.
    /// </summary>
    public string Provider { get; set; } = ClusteringProviders.Localhost;

    /// <summary>
    /// Age after which the entry of a dead silo is deleted from the membership table. Default: 1 hour.
    /// </summary>
    public TimeSpan DefunctSiloExpiration { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often silos look for dead entries to delete. Default: 10 minutes.</summary>
    public TimeSpan DefunctSiloCleanupPeriod { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How long a silo waits for another silo to reply to a liveness probe. A crashed silo is declared dead,
    /// and its users' grains move elsewhere, after about this time multiplied by <see cref="MissedProbesLimit"/>.
    /// Default: 2 seconds (Orleans: 5).
    /// </summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Missed probes after which a silo suspects another of being dead. Default: 3, as in Orleans.</summary>
    public int MissedProbesLimit { get; set; } = 3;

    /// <summary>
    /// How often a client re-reads the gateway list, so that it finds new silos. Default: 10 seconds.
    /// </summary>
    public TimeSpan GatewayListRefreshPeriod { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>Names accepted by <see cref="ClusteringSettings.Provider"/>.</summary>
public static class ClusteringProviders
{
    public const string Localhost = "Localhost";
    public const string AdoNet = "AdoNet";
}

/// <summary>Grain storage provider selection.</summary>
public sealed class StorageSettings
{
    /// <summary>
    /// <c>Sqlite</c>: an embedded database file. <c>PostgreSql</c>: Orleans ADO.NET grain storage in the database
    /// of <c>ConnectionStrings:OrleansTokens</c>. Default: <c>Sqlite</c>.
    /// </summary>
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
    public const string PostgreSql = "PostgreSql";
}

/// <summary>Network endpoints of a silo, and the gateway that a localhost client connects to.</summary>
public sealed class EndpointSettings
{
    /// <summary>Port for silo-to-silo traffic. Default: 11111.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Port that clients connect to. Default: 30000.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>
    /// Address that other silos and clients use to reach this silo. Default: the loopback address, which
    /// only processes on the same machine can reach; a container or a multi-machine cluster must set it.
    /// </summary>
    public string? AdvertisedIPAddress { get; set; }

    /// <summary>
    /// Whether the silo listens on every interface instead of only the advertised address, as a container
    /// behind address translation needs. Default: false.
    /// </summary>
    public bool ListenOnAnyHostAddress { get; set; }

    internal IPAddress? ParseAdvertisedAddress() =>
        string.IsNullOrWhiteSpace(AdvertisedIPAddress)
            ? null
            : IPAddress.TryParse(AdvertisedIPAddress, out var address)
                ? address
                : throw new InvalidOperationException(
                    $"OrleansTokens:Cluster:Endpoints:AdvertisedIPAddress '{AdvertisedIPAddress}' is not an IP "
                    + "address. Set it to the address other silos reach this one at, such as 10.0.0.5.");

    internal void Validate()
    {
        ValidatePort(SiloPort, nameof(SiloPort));
        ValidatePort(GatewayPort, nameof(GatewayPort));
    }

    private static void ValidatePort(int port, string name)
    {
        if (port is < 1 or > 65535)
        {
            throw new InvalidOperationException(
                $"OrleansTokens:Cluster:Endpoints:{name} is {port}; set a TCP port between 1 and 65535.");
        }
    }
}
