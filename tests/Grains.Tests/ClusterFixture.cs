using Orleans.TestingHost;

namespace OrleansTokens.Grains.Tests;

/// <summary>
/// A two-silo test cluster whose silos share one SQLite file and one manual clock.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    private readonly TestDatabase _database = new();

    public TestCluster Cluster { get; private set; } = null!;

    public ManualTimeProvider Clock => TestSiloConfigurator.ClockFor(_database.FilePath);

    public string DatabasePath => _database.FilePath;

    public IUserTokensGrain User(string userId) => Cluster.GrainFactory.GetGrain<IUserTokensGrain>(userId);

    public async Task InitializeAsync()
    {
        Cluster = BuildCluster(_database.FilePath, serviceId: Guid.NewGuid().ToString("N"));
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        _database.Dispose();
    }

    /// <summary>
    /// Builds, without starting, a two-silo cluster on <paramref name="databasePath"/>. Clusters with the
    /// same service id read each other's stored state.
    /// </summary>
    public static TestCluster BuildCluster(string databasePath, string serviceId)
    {
        var builder = new TestClusterBuilder(2);
        builder.Options.ServiceId = serviceId;
        builder.Properties[TestSiloConfigurator.DatabasePathKey] = databasePath;
        builder.AddSiloBuilderConfigurator<TestSiloConfigurator>();
        return builder.Build();
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "Shared cluster";
}
