using System.Net;
using System.Net.Http.Json;

namespace OrleansTokens.Cluster.Tests;

[Collection(ClusterCollection.Name)]
public sealed class DatabaseOutageTests(DatabaseOutageClusterFixture fixture)
    : IClassFixture<DatabaseOutageClusterFixture>
{
    private static readonly TimeSpan RecoveryLimit = TimeSpan.FromSeconds(60);

    private readonly LocalCluster _cluster = fixture.Cluster;

    [Fact]
    public async Task PostgreSqlDown_ChangesGet503()
    {
        using var hostA = new ApiClient(_cluster.ApiA);
        using var http = new HttpClient { BaseAddress = _cluster.ApiB, Timeout = TimeSpan.FromSeconds(30) };
        var live = await hostA.LoginAsync();
        var toRevoke = await hostA.LoginAsync();

        _cluster.KillPostgreSql();

        using (var login = await http.PostAsJsonAsync("/auth/login", new { username = "test", password = "test" }))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, login.StatusCode);
            Assert.Equal("application/problem+json", login.Content.Headers.ContentType?.MediaType);
            Assert.NotNull(login.Headers.RetryAfter);
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, await hostA.LogoutAsync(toRevoke));

        // A logout that returned 503 was not applied, so the grain kept its durable state.
        Assert.Equal(HttpStatusCode.OK, await hostA.GetProtectedAsync(toRevoke));

        await _cluster.StartPostgreSqlAsync();
        var deadline = DateTime.UtcNow + RecoveryLimit;
        var status = HttpStatusCode.ServiceUnavailable;
        while (status != HttpStatusCode.OK && DateTime.UtcNow < deadline)
        {
            await Task.Delay(500);
            status = await hostA.LogoutAsync(toRevoke);
        }

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(HttpStatusCode.Unauthorized, await hostA.GetProtectedAsync(toRevoke));
        Assert.Equal(HttpStatusCode.OK, await hostA.GetProtectedAsync(live));
        Assert.Equal(HttpStatusCode.OK, await hostA.GetProtectedAsync(await hostA.LoginAsync()));
    }
}
