using System.Net;

namespace OrleansTokens.ApiHost.Tests;

/// <summary>Stops the API and starts a new instance on the same SQLite file and signing key.</summary>
public sealed class RestartTests : IDisposable
{
    private const string UserName = "restart-user";

    /// <summary>A grace period that a restart of the test server cannot outlast.</summary>
    private static readonly KeyValuePair<string, string> LongGrace =
        new("OrleansTokens:Grain:RefreshReuseGracePeriod", "00:05:00");

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

    [Fact]
    public async Task RefreshRepeat_AfterRestart_ReturnsSamePair()
    {
        var signingKey = ApiFactory.NewSigningKey();
        IssuedTokens login, rotated;
        await using (var first = NewFactory(signingKey, LongGrace))
        {
            using var client = first.CreateClient();
            login = await client.LoginPairAsync(UserName);
            rotated = await client.RefreshAsync(login.RefreshToken);
        }

        await using var second = NewFactory(signingKey, LongGrace);
        using var restartedClient = second.CreateClient();
        var repeated = await restartedClient.RefreshAsync(login.RefreshToken);

        // An HMAC signature of the same claims is the same text, so the client cannot tell that a restart happened.
        Assert.Equal(rotated.AccessToken, repeated.AccessToken);
        Assert.Equal(rotated.RefreshToken, repeated.RefreshToken);
        Assert.Equal(HttpStatusCode.OK, await restartedClient.GetProtectedStatusAsync(repeated.AccessToken));
        Assert.Equal(HttpStatusCode.OK, await restartedClient.GetRefreshStatusAsync(repeated.RefreshToken));
    }

    private ApiFactory NewFactory(string signingKey, params KeyValuePair<string, string>[] extraSettings)
    {
        var settings = ApiFactory.EmbeddedSettings(_database.FilePath, signingKey, [UserName]);
        foreach (var (key, value) in extraSettings)
        {
            settings[key] = value;
        }

        return new ApiFactory("Testing", settings);
    }
}
