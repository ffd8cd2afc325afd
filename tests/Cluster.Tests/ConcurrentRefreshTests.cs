using System.Net;

namespace OrleansTokens.Cluster.Tests;

/// <summary>Refresh token rotation when both API hosts redeem the same refresh token at once.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ConcurrentRefreshTests(RefreshClusterFixture fixture) : IClassFixture<RefreshClusterFixture>
{
    private const int Refreshes = 20;

    private const string UserName = "load0";

    private readonly LocalCluster _cluster = fixture.Cluster;

    // NOTE: the cluster runs with the default grace period of 5 seconds. A request that reaches the grain more
    // than 5 seconds after the first counts as reuse and gets 401, which a heavily loaded machine could cause.
    [Fact]
    public async Task Refresh_ConcurrentAcrossHosts_ReturnsOnePair()
    {
        using var hostA = new ApiClient(_cluster.ApiA);
        using var hostB = new ApiClient(_cluster.ApiB);
        var otherSession = await hostA.LoginPairAsync(UserName);
        var session = await hostB.LoginPairAsync(UserName);

        var results = await Task.WhenAll(Enumerable.Range(0, Refreshes)
            .Select(i => (i % 2 == 0 ? hostA : hostB).RefreshAsync(session.RefreshToken)));

        Assert.All(results, result => Assert.Equal(HttpStatusCode.OK, result.Status));
        var successor = Assert.Single(results.Select(result => result.Tokens).Distinct());
        Assert.NotNull(successor);
        Assert.NotEqual(session.RefreshToken, successor.RefreshToken);
        Assert.Equal(HttpStatusCode.OK, await hostA.GetProtectedAsync(successor.AccessToken));

        var (rotatedStatus, rotated) = await hostB.RefreshAsync(successor.RefreshToken);

        Assert.Equal(HttpStatusCode.OK, rotatedStatus);
        Assert.NotNull(rotated);
        Assert.NotEqual(successor.RefreshToken, rotated.RefreshToken);
        Assert.Equal(HttpStatusCode.OK, await hostA.GetProtectedAsync(rotated.AccessToken));

        var (originalStatus, _) = await hostA.RefreshAsync(session.RefreshToken);

        Assert.Equal(HttpStatusCode.Unauthorized, originalStatus);
        Assert.Equal(HttpStatusCode.Unauthorized, await hostB.GetProtectedAsync(rotated.AccessToken));
        Assert.Equal(HttpStatusCode.OK, await hostA.GetProtectedAsync(otherSession.AccessToken));
        Assert.Equal(HttpStatusCode.OK, await hostB.GetProtectedAsync(otherSession.AccessToken));
    }
}
