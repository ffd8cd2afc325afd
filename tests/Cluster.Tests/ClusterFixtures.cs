namespace OrleansTokens.Cluster.Tests;

/// <summary>A local cluster with its own ports and state folder, shared by the tests of one class.</summary>
public abstract class LocalClusterFixture(int portOffset) : IAsyncLifetime
{
    public LocalCluster Cluster { get; } = new(
        portOffset, Path.Combine(Path.GetTempPath(), $"orleans-tokens-test-{Guid.NewGuid():N}"));

    public Task InitializeAsync() => Cluster.StartAsync();

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        try
        {
            Directory.Delete(Cluster.StateDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover folder under the temp directory is harmless.
        }
    }
}

public sealed class CrossHostClusterFixture() : LocalClusterFixture(400);

public sealed class FailoverClusterFixture() : LocalClusterFixture(500);

public sealed class StorageClusterFixture() : LocalClusterFixture(600);

public sealed class DatabaseOutageClusterFixture() : LocalClusterFixture(900);

public sealed class RefreshClusterFixture() : LocalClusterFixture(700);

/// <summary>The cluster tests share ports and both cores, so they run one class at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClusterCollection
{
    public const string Name = "Local cluster";
}
