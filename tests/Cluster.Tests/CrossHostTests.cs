using System.Net;

namespace OrleansTokens.Cluster.Tests;

[Collection(ClusterCollection.Name)]
public sealed class CrossHostTests(CrossHostClusterFixture fixture) : IClassFixture<CrossHostClusterFixture>
{
    private readonly LocalCluster _cluster = fixture.Cluster;

    [Fact]
    public async Task RevokeOnOtherHost_SurvivesRestart()
    {
        using var hostA = new ApiClient(_cluster.ApiA);
        using var hostB = new ApiClient(_cluster.ApiB);

        var revoked = await hostA.LoginAsync();
        Assert.Equal(HttpStatusCode.OK, await hostB.GetProtectedAsync(revoked));
        Assert.Equal(HttpStatusCode.OK, await hostB.LogoutAsync(revoked));
        Assert.Equal(HttpStatusCode.Unauthorized, await hostA.GetProtectedAsync(revoked));

        var live = await hostB.LoginAsync();
        Assert.Equal(HttpStatusCode.OK, await hostA.GetProtectedAsync(live));

        await _cluster.StopAsync();
        await _cluster.StartAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, await hostA.GetProtectedAsync(revoked));
        Assert.Equal(HttpStatusCode.Unauthorized, await hostB.GetProtectedAsync(revoked));
        Assert.Equal(HttpStatusCode.OK, await hostA.GetProtectedAsync(live));
        Assert.Equal(HttpStatusCode.OK, await hostB.GetProtectedAsync(live));
    }

    [Fact]
    public async Task LogoutEverywhere_RejectsBothHostsTokens()
    {
        using var hostA = new ApiClient(_cluster.ApiA);
        using var hostB = new ApiClient(_cluster.ApiB);
        var fromA = await hostA.LoginAsync();
        var fromB = await hostB.LoginAsync();

        Assert.Equal(HttpStatusCode.OK, await hostB.LogoutEverywhereAsync(fromB));

        Assert.Equal(HttpStatusCode.Unauthorized, await hostA.GetProtectedAsync(fromA));
        Assert.Equal(HttpStatusCode.Unauthorized, await hostB.GetProtectedAsync(fromA));
        Assert.Equal(HttpStatusCode.Unauthorized, await hostA.GetProtectedAsync(fromB));
        Assert.Equal(HttpStatusCode.OK, await hostA.GetProtectedAsync(await hostA.LoginAsync()));
    }
}
