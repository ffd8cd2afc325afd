using System.Collections.Concurrent;
using System.Globalization;
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

    /// <summary>Optional cluster property that replaces <see cref="MaxSessionsPerUser"/>, as an integer.</summary>
    public const string MaxSessionsPerUserKey = "OrleansTokensTests:MaxSessionsPerUser";

    /// <summary>
    /// Optional cluster property that replaces <see cref="RefreshReuseGracePeriod"/>, as a time span such as
    /// <c>00:00:05</c>.
    /// </summary>
    public const string RefreshReuseGracePeriodKey = "OrleansTokensTests:RefreshReuseGracePeriod";

    /// <summary>
    /// Optional cluster property that sets <see cref="UserTokensOptions.PruneInterval"/>, as a time span. The prune
    /// timer runs on real time, not on the manual clock.
    /// </summary>
    public const string PruneIntervalKey = "OrleansTokensTests:PruneInterval";

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

        var configuration = siloBuilder.Configuration;
        var maxSessionsPerUser = configuration[MaxSessionsPerUserKey] is { } maxText
            ? int.Parse(maxText, CultureInfo.InvariantCulture)
            : MaxSessionsPerUser;
        var gracePeriod = ReadTimeSpan(configuration, RefreshReuseGracePeriodKey) ?? RefreshReuseGracePeriod;
        var pruneInterval = ReadTimeSpan(configuration, PruneIntervalKey);

        siloBuilder.AddSqliteGrainStorage(UserTokensGrain.StorageName, options =>
        {
            options.DatabasePath = databasePath;
            options.GrainStorageSerializer = new JsonGrainStateSerializer();
        });
        siloBuilder.Services.Configure<UserTokensOptions>(options =>
        {
            options.ClockSkew = ClockSkew;
            options.MaxSessionsPerUser = maxSessionsPerUser;
            options.RefreshReuseGracePeriod = gracePeriod;
            if (pruneInterval is { } interval)
            {
                options.PruneInterval = interval;
            }
        });
        siloBuilder.Services.AddSingleton<TimeProvider>(ClockFor(databasePath));
    }

    private static TimeSpan? ReadTimeSpan(IConfiguration configuration, string key) =>
        configuration[key] is { } text ? TimeSpan.Parse(text, CultureInfo.InvariantCulture) : null;
}
