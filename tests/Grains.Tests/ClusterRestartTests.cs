using Orleans.TestingHost;

namespace OrleansTokens.Grains.Tests;

/// <summary>
/// Restarts silos and whole clusters, so each test starts clusters of its own instead of sharing one.
/// </summary>
public sealed class ClusterRestartTests : IDisposable
{
    private readonly TestDatabase _database = new();
    private readonly string _serviceId = Guid.NewGuid().ToString("N");

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task State_SurvivesSecondarySiloRestart()
    {
        await using var cluster = ClusterFixture.BuildCluster(_database.FilePath, _serviceId);
        await cluster.DeployAsync();
        var tokens = await RegisterOneTokenPerUserAsync(cluster, userCount: 10);

        await cluster.RestartSiloAsync(cluster.SecondarySilos[0]);

        foreach (var (userId, jti) in tokens)
        {
            Assert.True(await cluster.GrainFactory.GetGrain<IUserTokensGrain>(userId).IsActiveAsync(jti));
        }
    }

    [Fact]
    public async Task State_SurvivesWholeClusterRestart()
    {
        var first = ClusterFixture.BuildCluster(_database.FilePath, _serviceId);
        await first.DeployAsync();
        var tokens = await RegisterOneTokenPerUserAsync(first, userCount: 10);
        var revokedUser = first.GrainFactory.GetGrain<IUserTokensGrain>(tokens[0].UserId);
        await revokedUser.RevokeAsync(tokens[0].Jti);
        await first.StopAllSilosAsync();
        await first.DisposeAsync();

        await using var second = ClusterFixture.BuildCluster(_database.FilePath, _serviceId);
        await second.DeployAsync();

        var grains = second.GrainFactory;
        Assert.False(await grains.GetGrain<IUserTokensGrain>(tokens[0].UserId).IsActiveAsync(tokens[0].Jti));
        foreach (var (userId, jti) in tokens.Skip(1))
        {
            Assert.True(await grains.GetGrain<IUserTokensGrain>(userId).IsActiveAsync(jti));
        }
    }

    [Fact]
    public async Task State_IsKeyedByServiceId()
    {
        var first = ClusterFixture.BuildCluster(_database.FilePath, _serviceId);
        await first.DeployAsync();
        var tokens = await RegisterOneTokenPerUserAsync(first, userCount: 1);
        await first.StopAllSilosAsync();
        await first.DisposeAsync();

        await using var other = ClusterFixture.BuildCluster(_database.FilePath, Guid.NewGuid().ToString("N"));
        await other.DeployAsync();

        var (userId, jti) = tokens[0];
        Assert.False(await other.GrainFactory.GetGrain<IUserTokensGrain>(userId).IsActiveAsync(jti));
    }

    private async Task<List<(string UserId, string Jti)>> RegisterOneTokenPerUserAsync(
        TestCluster cluster, int userCount)
    {
        var now = TestSiloConfigurator.ClockFor(_database.FilePath).GetUtcNow();
        var tokens = new List<(string UserId, string Jti)>();
        for (var i = 0; i < userCount; i++)
        {
            var userId = $"restart-user-{i}";
            var jti = $"restart-jti-{i}";
            await cluster.GrainFactory.GetGrain<IUserTokensGrain>(userId)
                .RegisterAsync(new IssuedToken(jti, now, now + TimeSpan.FromHours(1)));
            tokens.Add((userId, jti));
        }

        return tokens;
    }
}
