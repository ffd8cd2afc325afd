using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using OrleansTokens.Hosting;
using OrleansTokens.Persistence.Sqlite;

namespace OrleansTokens.Grains.Tests;

/// <summary>
/// Gives each test silo the real SQLite grain storage and the clock of its cluster. Orleans creates
/// configurators with no arguments, so the database path arrives as a cluster property and the clock
/// is looked up by that path.
/// </summary>
public sealed class TestSiloConfigurator : ISiloConfigurator
{
    /// <summary>Cluster property with the SQLite file of the cluster.</summary>
    public const string DatabasePathKey = "OrleansTokensTests:DatabasePath";

    /// <summary>Clock skew of the test silos: how long after expiry a token still counts as active.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    /// <summary>Session cap of the test silos: high, so that only the tests about the cap reach it.</summary>
    public const int MaxSessionsPerUser = 1000;

    /// <summary>Grace period for a repeated refresh token in the test silos.</summary>
    public static readonly TimeSpan RefreshReuseGracePeriod = TimeSpan.FromSeconds(5);

    private static readonly ConcurrentDictionary<string, ManualTimeProvider> Clocks = new(StringComparer.Ordinal);

    /// <summary>Returns the clock shared by every silo that stores state in <paramref name="databasePath"/>.</summary>
    public static ManualTimeProvider ClockFor(string databasePath) =>
        Clocks.GetOrAdd(databasePath, _ => new ManualTimeProvider(DateTimeOffset.UtcNow));

    public void Configure(ISiloBuilder siloBuilder)
    {
        var databasePath = siloBuilder.Configuration[DatabasePathKey]
            ?? throw new InvalidOperationException(
                $"The test cluster has no {DatabasePathKey} property. Set it in TestClusterBuilder.Properties.");

        siloBuilder.AddSqliteGrainStorage(UserTokensGrain.StorageName, options =>
        {
            options.DatabasePath = databasePath;
            options.GrainStorageSerializer = new JsonGrainStateSerializer();
        });
        siloBuilder.Services.Configure<UserTokensOptions>(options =>
        {
            options.ClockSkew = ClockSkew;
            options.MaxSessionsPerUser = MaxSessionsPerUser;
            options.RefreshReuseGracePeriod = RefreshReuseGracePeriod;
        });
        siloBuilder.Services.AddSingleton<TimeProvider>(ClockFor(databasePath));
    }
}
