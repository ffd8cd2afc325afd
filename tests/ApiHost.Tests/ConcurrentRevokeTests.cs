using System.Diagnostics;
using System.Net;

namespace OrleansTokens.ApiHost.Tests;

[Collection(ApiCollection.Name)]
public sealed class ConcurrentRevokeTests(ApiFixture fixture)
{
    private const string UserName = "concurrent-revoke";

    private HttpClient Client => fixture.Client;

    [Fact]
    public async Task LogoutEverywhere_RevokesEveryLoginThatReturnedBeforeIt()
    {
        const int Logins = 40;
        var revoker = await Client.LoginAsync(UserName);

        // Each login records when its response arrived, so the test can tell which ones finished before the revoke.
        var logins = Enumerable.Range(0, Logins).Select(async _ =>
        {
            var token = await Client.LoginAsync(UserName);
            return (Token: token, ReturnedAt: Stopwatch.GetTimestamp());
        }).ToArray();

        await Task.WhenAny(logins);
        await Task.Delay(TimeSpan.FromMilliseconds(50));
        var revokeStartedAt = Stopwatch.GetTimestamp();
        using var revoke = await Client.LogoutEverywhereAsync(revoker);
        var results = await Task.WhenAll(logins);

        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        var returnedBefore = results.Where(login => login.ReturnedAt < revokeStartedAt).ToArray();
        Assert.NotEmpty(returnedBefore);
        foreach (var login in returnedBefore)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await Client.GetProtectedStatusAsync(login.Token));
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await Client.GetProtectedStatusAsync(revoker));
    }

    [Fact]
    public async Task LogoutEverywhere_CountsTokensOfConcurrentLogins()
    {
        var revoker = await Client.LoginAsync("concurrent-count");
        var others = await Task.WhenAll(Enumerable.Range(0, 9).Select(_ => Client.LoginAsync("concurrent-count")));

        using var revoke = await Client.LogoutEverywhereAsync(revoker);

        Assert.Equal(10, (await revoke.ReadJsonAsync()).GetProperty("revoked_tokens").GetInt32());
        Assert.All(
            await Task.WhenAll(others.Select(Client.GetProtectedStatusAsync)),
            status => Assert.Equal(HttpStatusCode.Unauthorized, status));
    }
}
