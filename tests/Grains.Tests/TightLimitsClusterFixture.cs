using System.Globalization;

namespace OrleansTokens.Grains.Tests;

/// <summary>
/// A cluster with a session cap of 3, no refresh grace period and a one-second prune timer, for the tests that
/// need those limits. The other tests keep the high cap and 5-second grace period of
/// <see cref="TestSiloConfigurator"/>.
/// </summary>
public sealed class TightLimitsClusterFixture : ClusterFixture
{
    public const int MaxSessionsPerUser = 3;

    public static readonly TimeSpan PruneInterval = TimeSpan.FromSeconds(1);

    protected override IReadOnlyDictionary<string, string> SiloProperties { get; } = new Dictionary<string, string>
    {
        [TestSiloConfigurator.MaxSessionsPerUserKey] = MaxSessionsPerUser.ToString(CultureInfo.InvariantCulture),
        [TestSiloConfigurator.RefreshReuseGracePeriodKey] = TimeSpan.Zero.ToString("c", CultureInfo.InvariantCulture),
        [TestSiloConfigurator.PruneIntervalKey] = PruneInterval.ToString("c", CultureInfo.InvariantCulture),
    };
}

[CollectionDefinition(Name)]
public sealed class TightLimitsClusterCollection : ICollectionFixture<TightLimitsClusterFixture>
{
    public const string Name = "Tight limits cluster";
}
