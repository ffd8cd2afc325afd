using Microsoft.Data.Sqlite;
using Orleans.TestingHost;

namespace OrleansTokens.Grains.Tests;

/// <summary>
/// A two-silo test cluster whose silos share one SQLite file and one manual clock.
/// </summary>
/// <remarks>
/// Each instance has its own file, service id and clock. A derived fixture changes grain options through
/// <see cref="SiloProperties"/>.
/// </remarks>
public class ClusterFixture : IAsyncLifetime
{
    private readonly TestDatabase _database = new();

    public TestCluster Cluster { get; private set; } = null!;

    public ManualTimeProvider Clock => TestSiloConfigurator.ClockFor(_database.FilePath);

    public string DatabasePath => _database.FilePath;

    public string ServiceId { get; } = Guid.NewGuid().ToString("N");

    /// <summary>Cluster properties that <see cref="TestSiloConfigurator"/> reads, beyond the database path.</summary>
    protected virtual IReadOnlyDictionary<string, string> SiloProperties { get; } = new Dictionary<string, string>();

    public IUserTokensGrain User(string userId) => Cluster.GrainFactory.GetGrain<IUserTokensGrain>(userId);

    /// <summary>
    /// Deactivates every user grain in the cluster, so the next call activates it from storage.
    /// </summary>
    /// <remarks>
    /// A collection pass skips an activation that is not yet marked idle after it returns its last response, so
    /// the pass repeats until the silos report no user grain activations.
    /// </remarks>
    public async Task DeactivateAllAsync()
    {
        var management = Cluster.GrainFactory.GetGrain<IManagementGrain>(0);
        var grainType = typeof(UserTokensGrain).FullName!;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            await management.ForceActivationCollection(TimeSpan.Zero);
            var statistics = await management.GetSimpleGrainStatistics();
            var remaining = statistics
                .Where(entry => entry.GrainType.Contains(grainType, StringComparison.Ordinal))
                .Sum(entry => entry.ActivationCount);
            if (remaining == 0)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{remaining} user grain activations were still active after 10 seconds of collection passes.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }
    }

    /// <summary>Returns the stored version of the user's row, or null when there is no row.</summary>
    public long? ReadStoredVersion(string userId)
    {
        using var connection = OpenReadOnly();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT version FROM grain_state WHERE service_id = $service AND grain_id = $grain;";
        command.Parameters.AddWithValue("$service", ServiceId);
        command.Parameters.AddWithValue("$grain", GrainIdOf(userId));
        return command.ExecuteScalar() is long version ? version : null;
    }

    /// <summary>Returns the stored JSON of the user's row, or null when there is no row.</summary>
    public string? ReadStoredPayload(string userId)
    {
        using var connection = OpenReadOnly();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT payload FROM grain_state WHERE service_id = $service AND grain_id = $grain;";
        command.Parameters.AddWithValue("$service", ServiceId);
        command.Parameters.AddWithValue("$grain", GrainIdOf(userId));
        return command.ExecuteScalar() is byte[] payload ? System.Text.Encoding.UTF8.GetString(payload) : null;
    }

    /// <summary>Returns the grain id that the storage provider writes in the row of the user.</summary>
    public string GrainIdOf(string userId) => User(userId).GetGrainId().ToString();

    public async Task InitializeAsync()
    {
        Cluster = BuildCluster(_database.FilePath, ServiceId, SiloProperties);
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
    public static TestCluster BuildCluster(
        string databasePath, string serviceId, IReadOnlyDictionary<string, string>? properties = null)
    {
        var builder = new TestClusterBuilder(2);
        builder.Options.ServiceId = serviceId;
        builder.Properties[TestSiloConfigurator.DatabasePathKey] = databasePath;
        foreach (var (key, value) in properties ?? new Dictionary<string, string>())
        {
            builder.Properties[key] = value;
        }

        builder.AddSiloBuilderConfigurator<TestSiloConfigurator>();
        return builder.Build();
    }

    private SqliteConnection OpenReadOnly()
    {
        var connection = new SqliteConnection($"Data Source={DatabasePath};Mode=ReadOnly;Pooling=False");
        connection.Open();
        return connection;
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "Shared cluster";
}
