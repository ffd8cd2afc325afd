using System.Net;

namespace OrleansTokens.ApiHost.Tests;

/// <summary>Stops the API and starts a new instance on the same SQLite file and signing key.</summary>
public sealed class RestartTests : IDisposable
{
    private const string UserName = "restart-user";

    private readonly TestDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task Restart_KeepsRevocationsAndLiveTokens()
    {
        var signingKey = ApiFactory.NewSigningKey();
        string loggedOut, revokedFirst, revokedSecond, live;
        await using (var first = NewFactory(signingKey))
        {
            using var client = first.CreateClient();
            loggedOut = await client.LoginAsync(UserName);
            using var logout = await client.LogoutAsync(loggedOut);
            revokedFirst = await client.LoginAsync(UserName);
            revokedSecond = await client.LoginAsync(UserName);
            using var logoutEverywhere = await client.LogoutEverywhereAsync(revokedFirst);
            live = await client.LoginAsync(UserName);
            Assert.Equal(HttpStatusCode.OK, await client.GetProtectedStatusAsync(live));
        }

        await using var second = NewFactory(signingKey);
        using var restartedClient = second.CreateClient();

        Assert.Equal(HttpStatusCode.Unauthorized, await restartedClient.GetProtectedStatusAsync(loggedOut));
        Assert.Equal(HttpStatusCode.Unauthorized, await restartedClient.GetProtectedStatusAsync(revokedFirst));
        Assert.Equal(HttpStatusCode.Unauthorized, await restartedClient.GetProtectedStatusAsync(revokedSecond));
        Assert.Equal(HttpStatusCode.OK, await restartedClient.GetProtectedStatusAsync(live));
    }

    private ApiFactory NewFactory(string signingKey) =>
        new("Testing", ApiFactory.EmbeddedSettings(_database.FilePath, signingKey, [UserName]));
}
